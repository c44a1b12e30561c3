import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;
/** A JSON column with a database default: optional on insert. */
type JsonDefault<T = unknown> = ColumnType<T, string | T | undefined, string | T>;
/** A timestamp column with a database default: optional on insert, updatable. */
type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;

/** A customer of the help desk (a company that buys support). */
export interface CustomersTable {
  id: string;
  name: string;
  country: string | null;
  locale: Generated<string>;
  /** IANA zone of the customer's offices, shown to staff; SLA clocks follow the policy calendar. */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  /** Bumped by every change; PATCH carries the version it read (`expectedVersion`). */
  version: Generated<number>;
  created_at: Generated<CreatedAt>;
}

/** A support contract: the plan and policy version a customer is served under, for a period. */
export interface ContractsTable {
  id: string;
  customer_id: string;
  policy_id: string;
  policy_version: number;
  plan: string;
  period: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  options: JsonDefault<Record<string, unknown>>;
  /** Authorized requesters: `{ name, email?, role?, portalUser }[]`. */
  requesters: JsonDefault<unknown[]>;
  /** Licenses: `{ id?, trial, holder?, validUntil?, updatesUntil? }[]` (instants in epoch ms). */
  licenses: JsonDefault<unknown[]>;
  /** Trained users: `{ name?, email?, modules }[]`. */
  trained_users: JsonDefault<unknown[]>;
  /** Product the contract covers (for the supported-versions rule). */
  product: string | null;
  /** Bumped by every change; PATCH carries the version it read (`expectedVersion`). */
  version: Generated<number>;
  created_at: Generated<CreatedAt>;
}

/** The queryable projection of one ticket workflow. The workflow is the source of truth. */
export interface TicketsTable {
  number: Generated<number>;
  workflow_id: string;
  customer_id: string;
  contract_id: string | null;
  policy_id: string;
  policy_version: number;
  channel: string;
  type: string;
  category: string | null;
  priority: string;
  status: string;
  level: Generated<number>;
  assignee: string | null;
  requester_email: string;
  requester_name: string | null;
  subject: string;
  description: string;
  first_response_due_at: Timestamp | null;
  next_update_due_at: Timestamp | null;
  resolution_due_at: Timestamp | null;
  next_due_at: Timestamp | null;
  breached: Generated<boolean>;
  breached_metrics: Generated<string[]>;
  counters: JsonDefault<Record<string, number>>;
  projection_version: Generated<number>;
  /** Set while the ticket's projection keeps failing (its workflow retries later); null when healthy. */
  projection_error: string | null;
  projection_failed_at: Timestamp | null;
  projection_failures: Generated<number>;
  idempotency_key: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  locale: Generated<string>;
  product_version: string | null;
  module: string | null;
  contact_phone: string | null;
  attachments: JsonDefault<unknown[]>;
  /** Who registered the ticket (an agent for phone intake, else the requester). */
  created_by: string | null;
  first_responded_at: Timestamp | null;
  billable: Generated<boolean>;
  /** The intake decision (category, calendar, quota used). */
  intake: JsonDefault<Record<string, unknown>>;
}

/** The append-only timeline of a ticket; (ticket_number, seq) makes every write idempotent. */
export interface TicketEventsTable {
  id: Generated<string>;
  ticket_number: number;
  seq: number;
  type: string;
  at: Timestamp;
  actor: string | null;
  data: JsonDefault<Record<string, unknown>>;
  recorded_at: Generated<CreatedAt>;
}

/** Notifications waiting for delivery, written in the same transaction as the projection that caused them. */
export interface OutboxTable {
  id: Generated<string>;
  dedupe_key: string;
  ticket_number: number | null;
  channel: string;
  template: string;
  locale: string;
  recipient: string;
  payload: JsonDefault<Record<string, unknown>>;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: TimestampDefault;
  last_error: string | null;
  created_at: Generated<CreatedAt>;
  delivered_at: Timestamp | null;
}

/** A versioned policy document; at most one version of a policy is active. */
export interface PoliciesTable {
  id: string;
  version: number;
  name: string;
  document: Json<Record<string, unknown>>;
  active: Generated<boolean>;
  /** `preset`: published from `policies/` at start; `upload`: an operator's own version. */
  source: Generated<'preset' | 'upload'>;
  created_at: Generated<CreatedAt>;
}

/** Released versions of a product, for the supported-versions rule. */
export interface ProductVersionsTable {
  product: string;
  version: string;
  released_at: Timestamp;
}

/** An add-on ticket pack bought on a contract. */
export interface AddonPurchasesTable {
  id: string;
  contract_id: string;
  pack_id: string;
  tickets: number;
  purchased_at: Timestamp;
  expires_at: Timestamp;
}

/** One ticket's consumption of quota (plan period or add-on pack); one row per ticket at most. */
export interface QuotaConsumptionsTable {
  ticket_number: number;
  contract_id: string;
  source: 'plan' | 'pack';
  purchase_id: string | null;
  period_start: Timestamp;
  consumed_at: Generated<CreatedAt>;
}

/** An API key: only its sha256 hash is stored; `customer_ids` scopes it to those customers' objects. */
export interface ApiKeysTable {
  id: string;
  name: string;
  role: 'admin' | 'agent' | 'integration' | 'read-only';
  /** Null: every customer. */
  customer_ids: string[] | null;
  key_hash: string;
  /** First characters of the key, to recognise it in listings. */
  key_prefix: string;
  /** HMAC secret integration events signed with this key are verified against. */
  signing_secret: string | null;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  /** After this instant the key is refused (401); null: never expires. */
  expires_at: Timestamp | null;
  /** Last request made with the key, updated at most once a minute. */
  last_used_at: Timestamp | null;
}

/** The first response to a POST with an `Idempotency-Key`, replayed for retries of the same request. */
export interface IdempotencyKeysTable {
  /** Whose key it is: an API key's id, or a portal requester's `portal:<customer>:<email>`. */
  api_key_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: Generated<'in_progress' | 'may_apply' | 'done'>;
  response_status: number | null;
  response_headers: Json<Record<string, string>> | null;
  response_body: Json | null;
  created_at: CreatedAt;
  completed_at: Timestamp | null;
}

/** An event received from an external system, unique per sending key, source and event id. */
export interface IntegrationEventsTable {
  id: Generated<number>;
  api_key_id: string;
  source: string;
  event_id: string;
  type: string;
  customer_id: string | null;
  ticket_number: number | null;
  occurred_at: Timestamp | null;
  payload: Json<Record<string, unknown>>;
  /** Reset when a stalled delivery is taken over. */
  received_at: TimestampDefault;
  /** When `onIntegrationEvent` finished; null while it runs (a repeat then answers 409, not `duplicate`). */
  processed_at: Timestamp | null;
}

/** An inbound email, remembered by Message-ID per sender and by request signature to refuse replays. */
export interface InboundEmailsTable {
  id: Generated<number>;
  api_key_id: string;
  /** Lower-cased sender address. */
  sender: string;
  /** The message's Message-ID header, when the gateway sent it. */
  message_id: string | null;
  /** `X-Orquesta-Signature` of the request that delivered it. */
  signature: string;
  /** Set once handled: the ticket opened or threaded into. */
  ticket_number: number | null;
  outcome: 'created' | 'threaded' | null;
  received_at: CreatedAt;
}

/** A staff role: what a signed-in user may do. */
export type UserRole = 'agent' | 'supervisor' | 'admin' | 'read-only';

/** Which staff notifications a user also gets by email (the console shows them all, live). */
export interface NotifyPreferences {
  assigned?: boolean;
  customerReply?: boolean;
  slaWarning?: boolean;
  slaBreach?: boolean;
}

/** A staff member who signs in to the console. */
export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: UserRole;
  language: Generated<'es' | 'en'>;
  /** scrypt hash (`api/passwords.ts`); null until the user sets a password. */
  password_hash: string | null;
  notify: JsonDefault<NotifyPreferences>;
  created_at: Generated<CreatedAt>;
  updated_at: TimestampDefault;
  deactivated_at: Timestamp | null;
}

/** A console session; only the sha256 of the cookie's token is stored. */
export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  /** Absolute expiry (idle expiry is counted from `last_seen_at`). */
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

/** A single-use token for a password reset, an invitation or the first administrator's set-up. */
export interface AccountTokensTable {
  token_hash: string;
  purpose: 'reset' | 'invite' | 'setup';
  user_id: string | null;
  created_at: Generated<CreatedAt>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** A failed sign-in, counted per account (lower-cased email) and per client address. */
export interface LoginFailuresTable {
  id: Generated<number>;
  scope: 'account' | 'ip';
  subject: string;
  at: Timestamp;
}

/** Something a staff member is told about (shown live in the console, mailed per preference). */
export interface StaffNotificationsTable {
  id: Generated<number>;
  user_id: string;
  dedupe_key: string;
  kind: 'assigned' | 'customer_reply' | 'sla_warning' | 'sla_breach';
  ticket_number: number;
  payload: JsonDefault<Record<string, unknown>>;
  created_at: Generated<CreatedAt>;
  read_at: Timestamp | null;
}

/** A one-time portal sign-in link and code (sha256 only); single-use, short-lived. */
export interface PortalSignInTokensTable {
  id: string;
  /** Lower-cased email of the authorized requester. */
  email: string;
  customer_id: string;
  requester_name: string | null;
  link_hash: string;
  code_hash: string;
  /** Wrong codes tried against this token; past the limit the token is spent. */
  code_attempts: Generated<number>;
  created_at: Generated<CreatedAt>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** One portal sign-in request (known email or not), counted by the per-email and per-IP rate limits. */
export interface PortalSignInRequestsTable {
  id: Generated<string>;
  email: string;
  ip: string;
  at: Timestamp;
}

/** A customer's portal session; the cookie holds the token, only its sha256 is stored. */
export interface PortalSessionsTable {
  id: string;
  token_hash: string;
  email: string;
  customer_id: string;
  requester_name: string | null;
  created_at: Generated<CreatedAt>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** Every table Kysely knows about. */
export interface Database {
  customers: CustomersTable;
  contracts: ContractsTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  outbox: OutboxTable;
  policies: PoliciesTable;
  product_versions: ProductVersionsTable;
  addon_purchases: AddonPurchasesTable;
  quota_consumptions: QuotaConsumptionsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  integration_events: IntegrationEventsTable;
  inbound_emails: InboundEmailsTable;
  users: UsersTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  login_failures: LoginFailuresTable;
  staff_notifications: StaffNotificationsTable;
  portal_sign_in_tokens: PortalSignInTokensTable;
  portal_sign_in_requests: PortalSignInRequestsTable;
  portal_sessions: PortalSessionsTable;
  ticket_presence: TicketPresenceTable;
  canned_replies: CannedRepliesTable;
  saved_views: SavedViewsTable;
  attachments: AttachmentsTable;
}

/** What a macro also does when applied (all optional: none makes a plain canned reply). */
export interface CannedReplyActions {
  status?: 'resolve' | 'request_info' | 'close';
  priority?: 'critical' | 'high' | 'medium' | 'low';
  /** Null unassigns. */
  assignee?: string | null;
}

/** A canned reply (a macro when `actions` is not empty); personal ones are seen by their owner only. */
export interface CannedRepliesTable {
  id: string;
  title: string;
  body: string;
  language: 'es' | 'en';
  scope: 'shared' | 'personal';
  owner_id: string;
  created_by: string;
  actions: JsonDefault<CannedReplyActions>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

/** A user's saved queue view: a name and the queue's query string (filters, sort, search). */
export interface SavedViewsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  query: string;
  created_at: Generated<CreatedAt>;
  updated_at: TimestampDefault;
}

/** An uploaded file: unattached (owned by its uploader) until a reply, note or intake uses it. */
export interface AttachmentsTable {
  id: string;
  /** Where the bytes are in the attachment store. */
  storage_key: string;
  /** The client's file name, for display and downloads only (never a path). */
  name: string;
  size: number;
  /** Sniffed from the bytes, never taken from the client. */
  content_type: string;
  sha256: string;
  /** Display name of who uploaded it (a user, an API key, or a portal requester's email). */
  uploaded_by: string;
  /** Whose it is until attached: `key:<api key id>` or `portal:<session customer>:<email>`. */
  uploader_ref: string;
  customer_id: string | null;
  ticket_number: number | null;
  message_id: string | null;
  internal: Generated<boolean>;
  created_at: Generated<Timestamp>;
  attached_at: Timestamp | null;
}

/** A console viewer's latest heartbeat on a ticket (who else has it open). */
export interface TicketPresenceTable {
  ticket_number: number;
  viewer: string;
  seen_at: Timestamp;
}

export type Customer = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type Contract = Selectable<ContractsTable>;
export type NewContract = Insertable<ContractsTable>;
export type Ticket = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type TicketUpdate = Updateable<TicketsTable>;
export type TicketEvent = Selectable<TicketEventsTable>;
export type NewTicketEvent = Insertable<TicketEventsTable>;
export type OutboxMessage = Selectable<OutboxTable>;
export type NewOutboxMessage = Insertable<OutboxTable>;
