/** What the intake suites share: a ticket draft, and the emulator plus a database with the `tiendas` customer. */
import type { IntakeDependencies } from '../../activities/intake';
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

/**
 * Intake dependencies whose client refuses the first workflow start with `error` (as a namespace that forgot
 * the search attributes would) and then starts for real; counts the starts and the `ensureSearchAttributes`
 * calls.
 */
export function forgetfulIntake(env: TestEnv, deps: IntakeDependencies, error: Error) {
  let starts = 0;
  let registered = 0;
  const client = Object.assign(Object.create(env.client) as typeof env.client, {
    workflow: Object.assign(Object.create(env.client.workflow) as typeof env.client.workflow, {
      start: (...args: Parameters<typeof env.client.workflow.start>) => {
        starts += 1;
        return starts === 1 ? Promise.reject(error) : env.client.workflow.start(...args);
      },
    }),
  });
  const ensureSearchAttributes = () => {
    registered += 1;
    return Promise.resolve();
  };
  return {
    d: { ...deps, client, ensureSearchAttributes },
    starts: () => starts,
    registered: () => registered,
  };
}
