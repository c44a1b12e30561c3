/**
 * `npx tsx api/create-api-key.ts --role admin --name ops [--customers acme,beta] [--expires-at ISO]`: creates an API key
 * in the database of `DATABASE_URL` (or the embedded Postgres of a running `npm start`) and prints
 * it once, as JSON. The first admin key of an installation is made this way.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env';
import { connectDatabase } from '../db/index';
import { createApiKey, ROLES, type Role } from './auth';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    name: { type: 'string' },
    customers: { type: 'string' },
    'expires-at': { type: 'string' },
  },
});
const role = values.role as Role | undefined;
const expiresAt = values['expires-at'] === undefined ? null : new Date(values['expires-at']);
if (
  role === undefined ||
  !ROLES.includes(role) ||
  !values.name ||
  (expiresAt && Number.isNaN(expiresAt.getTime()))
) {
  process.stderr.write(
    `usage: create-api-key --role ${ROLES.join('|')} --name NAME [--customers id1,id2] [--expires-at 2027-01-01T00:00:00Z]\n`,
  );
  process.exit(2);
}
const config = loadConfig();
const url =
  config.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${config.ORQUESTA_PG_PORT}/orquesta`;
const db = connectDatabase(url, { max: 1 });
try {
  const created = await createApiKey(db, {
    name: values.name,
    role,
    customerIds: values.customers ? values.customers.split(',').map((s) => s.trim()) : null,
    expiresAt,
  });
  process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
} finally {
  await db.destroy();
}
