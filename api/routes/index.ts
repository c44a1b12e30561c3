/**
 * Every built-in route, in the order they are mounted and documented. Add a resource by exporting
 * its `defineRoute(...)` list from a file here and spreading it into `apiRoutes`.
 */
import type { AnyRoute } from '../route';
import { apiKeyRoutes } from './api-keys';
import { customerRoutes } from './customers';

/** The routes `createApp` mounts under authentication. */
export const apiRoutes: readonly AnyRoute[] = [...apiKeyRoutes, ...customerRoutes];
