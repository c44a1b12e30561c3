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

/** Polls `read` until `accept` holds (or `timeoutMs`, default 15 s, pass) and returns the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  let value = await read();
  for (let i = 0; i < timeoutMs / 100 && !accept(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
