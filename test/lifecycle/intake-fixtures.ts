/** What the intake suites share: a ticket draft, and the emulator plus a database with the `tiendas` customer. */
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { createTestDatabase } from '../support/database';
import { createTestEnv, type TestEnv } from '../support/temporal-env';
import { seedCustomer } from './fixtures';

/** A portal draft numbered `n` (its subject), for the sisnova preset. */
export const intakeDraft = (n: number) => ({
  channel: 'portal' as const,
  category: 'support',
  priority: 'medium' as const,
  subject: `Consulta ${n}`,
  description: 'La caja no imprime',
});

export interface IntakeStack {
  env: TestEnv;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
}

/** Temporal (time skipping, the ticket search attributes) and a database with `tiendas` on sisnova's basic plan. */
export async function startIntakeStack(): Promise<IntakeStack> {
  const env = await createTestEnv({
    timeSkipping: true,
    searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
  });
  let database: IntakeStack['database'] | undefined;
  try {
    database = await createTestDatabase();
    await seedCustomer(database.db, 'sisnova', 'tiendas', await env.env.currentTimeMs(), { plan: 'basic' });
    return { env, database };
  } catch (error) {
    await stopIntakeStack({ env, ...(database && { database }) });
    throw error;
  }
}

/** Tears down what {@link startIntakeStack} started (a part is missing when its start failed). */
export async function stopIntakeStack(stack: Partial<IntakeStack>): Promise<void> {
  await stack.env?.teardown();
  await stack.database?.destroy();
}
