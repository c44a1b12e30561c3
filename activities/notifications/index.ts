export {
  backoffDelay,
  createOutboxDispatcher,
  portalTicketUrl,
  DeliveryError,
  signWebhook,
  WEBHOOK_HEADERS,
  type BackoffOptions,
  type DispatchReport,
  type Mailer,
  type OutboxDispatcher,
  type OutboxDispatcherOptions,
  type OutboxRow,
  type OutgoingMail,
  type WebhookBody,
} from './dispatcher';
export { enqueueNotifications, type NotificationToSend } from './outbox';
export { createSmtpMailer, mailDomain, type SmtpMailer, type SmtpMailerOptions } from './mailer';
export { startMailCatcher, type CaughtMail, type MailCatcher, type MailCatcherOptions } from './mail-catcher';
export {
  formatInstant,
  InvalidPayloadError,
  isNotificationTemplate,
  NOTIFICATION_TEMPLATES,
  notificationLocale,
  parseTicketSubjectTag,
  renderNotification,
  ticketSubjectTag,
  UnknownTemplateError,
  type NotificationLocale,
  type NotificationPayload,
  type NotificationTemplate,
  type RenderedNotification,
} from './templates';
export { PORTAL_SIGN_IN_TEMPLATE, renderPortalSignIn, type PortalSignInPayload } from './portal-sign-in';
