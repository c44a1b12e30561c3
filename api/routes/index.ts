/**
 * Every built-in route, in the order they are mounted and documented. Add a resource by exporting
 * its `defineRoute(...)` list from a file here and spreading it into `apiRoutes`.
 */
import type { AnyRoute } from '../route';
import { apiKeyRoutes } from './api-keys';
import { cannedReplyRoutes } from './canned-replies';
import { attachmentRoutes } from './attachments';
import { contractRoutes } from './contracts';
import { customerRoutes } from './customers';
import { integrationRoutes } from './integrations';
import { policyRoutes } from './policies';
import { policyVersionRoutes } from './policy-versions';
import { presenceRoutes } from './presence';
import { productRoutes } from './products';
import { reportRoutes } from './reports';
import { ticketRoutes } from './tickets';
import { userRoutes } from './users';
import { viewRoutes } from './views';

/** The routes `createApp` mounts under authentication. */
export const apiRoutes: readonly AnyRoute[] = [
  ...apiKeyRoutes,
  ...customerRoutes,
  ...contractRoutes,
  ...productRoutes,
  ...policyRoutes,
  ...policyVersionRoutes,
  ...ticketRoutes,
  ...attachmentRoutes,
  ...presenceRoutes,
  ...reportRoutes,
  ...integrationRoutes,
  ...userRoutes,
  ...cannedReplyRoutes,
  ...viewRoutes,
];
