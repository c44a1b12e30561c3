import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { seedPresetPolicies } from '../../activities/policies';
import { loadPreset, type PresetName } from '../../policies/index';

const DAY = 86_400_000;

/** Stores the presets and one customer with a contract under `preset`, current at `now`. */
export async function seedCustomer(
  db: Kysely<Database>,
  preset: PresetName,
  customerId: string,
  now: number,
  overrides: { plan?: string; requesters?: unknown[]; options?: Record<string, unknown> } = {},
): Promise<void> {
  await seedPresetPolicies(db);
  const policy = loadPreset(preset);
  await db
    .insertInto('customers')
    .values({ id: customerId, name: `${customerId} S.A.` })
    .execute();
  await db
    .insertInto('contracts')
    .values({
      id: `${customerId}-contract`,
      customer_id: customerId,
      policy_id: policy.id,
      policy_version: policy.version,
      plan: overrides.plan ?? policy.plans[0]!.id,
      period: 'yearly',
      starts_at: new Date(now - 5 * DAY),
      ends_at: new Date(now + 360 * DAY),
      requesters: JSON.stringify(overrides.requesters ?? []),
      options: JSON.stringify(overrides.options ?? {}),
    })
    .execute();
}

/**
 * Polls `read` until `accept` holds and returns that value; throws, naming the last value read, when
 * `timeoutMs` (default 15 s) passes first, so a condition that never holds fails the test.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${describe(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A w32 (Mexico) portal incident from Ana Ruiz of ACME, an authorized requester with one attachment. */
export const w32Draft = {
  channel: 'portal' as const,
  type: 'incident',
  category: 'dms',
  priority: 'medium' as const,
  company: 'ACME',
  requesterName: 'Ana Ruiz',
  requesterEmail: 'ana@acme.mx',
  contactPhone: '+52 55 5555 5555',
  subject: 'No timbra',
  description: 'Error 301 al timbrar',
  attachments: 1,
};
