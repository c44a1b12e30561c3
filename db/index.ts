export { connectDatabase, type ConnectOptions } from './connect';
export { migrateToLatestOrThrow, MigrationError } from './migrate';
export type * from './schema';
