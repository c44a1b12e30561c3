/** Every route of the customer portal's API (`/v1/portal/...`), mounted by `createApp` behind the session cookie. */
import type { AnyPortalRoute } from '../portal/route';
import { portalAttachmentRoutes } from './portal-attachments';
import { portalSignInRoutes } from './portal-sign-in';
import { portalTicketRoutes } from './portal-tickets';

/** The portal routes: sign-in, session, form, intake check, tickets and the customer's actions. */
export function portalRoutes(): AnyPortalRoute[] {
  return [...portalSignInRoutes(), ...portalTicketRoutes(), ...portalAttachmentRoutes()];
}
