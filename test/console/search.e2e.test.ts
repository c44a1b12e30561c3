/**
 * The queue's search, sort, address and saved views (issue 17) in Chromium against the whole stack:
 * "nomina" finds the accented ticket, a column header sorts, a reload keeps filters and sort, and a saved
 * view opens the same list again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleStack, type ConsoleStack } from './harness';

let stack: ConsoleStack;
const numbers: Record<string, number> = {};

beforeAll(async () => {
  stack = await startConsoleStack({ taskQueue: 'console-search-e2e' });
  await stack.db.insertInto('customers').values({ id: 'pan-e2e', name: 'Panadería Núñez' }).execute();
  const seed = async (key: string, subject: string, priority: string) => {
    const row = await stack.db
      .insertInto('tickets')
      .values({
        workflow_id: `search-e2e-${key}`,
        customer_id: 'pan-e2e',
        policy_id: 'paygroup',
        policy_version: 1,
        channel: 'portal',
        type: 'incident',
        priority,
        status: 'open',
        requester_email: 'marta@panaderia.test',
        subject,
        description: 'Desde ayer',
        idempotency_key: null,
      } as never)
      .returning('number')
      .executeTakeFirstOrThrow();
    numbers[key] = row.number;
  };
  await seed('low', 'No se genera la nómina', 'low');
  await seed('printer', 'Impresora sin papel', 'high');
  await seed('critical', 'Nómina de diciembre con diferencias', 'critical');
}, 180_000);
afterAll(() => stack?.teardown());

const rows = (page: Page) =>
  page
    .locator('tr[data-ticket]')
    .evaluateAll((trs: { getAttribute(name: string): string | null }[]) =>
      trs.map((tr) => Number(tr.getAttribute('data-ticket'))),
    );

async function waitForRows(page: Page, expected: number[]) {
  await expect.poll(() => rows(page), { timeout: 15_000 }).toEqual(expected);
}

describe('queue search, sort, address and saved views', () => {
  it('finds "nomina", sorts by a header, keeps both across a reload, and saves a view that reopens them', async () => {
    const page = await stack.newPage();
    await stack.signIn(page, { agent: 'buscadora' });
    await page.goto(`${stack.base}/#/queues/all`);
    // No Enter, no Tab: a pause in typing searches, and the polls meanwhile leave the typed text alone.
    await page.getByLabel('Buscar').pressSequentially('nomina', { delay: 60 });
    await waitForRows(
      page,
      [numbers.low!, numbers.critical!].sort((a, b) => a - b),
    );
    await expect.poll(() => page.locator('.total').getAttribute('data-total')).toBe('2');
    expect(await page.locator('.total').innerText()).toMatch(/^2 tickets ·/);
    expect(await page.getByLabel('Buscar').inputValue()).toBe('nomina');

    const priorityHeader = page.locator('th', { has: page.locator('button[data-sort="priority"]') });
    await page.locator('button[data-sort="priority"]').click();
    await waitForRows(page, [numbers.critical!, numbers.low!]);
    expect(await priorityHeader.getAttribute('aria-sort')).toBe('descending');
    expect(page.url()).toContain('sort=-priority');
    expect(page.url()).toContain('q=nomina');

    // One match reads "1 ticket", not "1 tickets".
    await page.getByLabel('Buscar').fill('diciembre');
    await waitForRows(page, [numbers.critical!]);
    await expect.poll(() => page.locator('.total').innerText()).toMatch(/^1 ticket ·/);
    await page.getByLabel('Buscar').fill('nomina');
    await waitForRows(page, [numbers.critical!, numbers.low!]);

    await page.reload();
    await waitForRows(page, [numbers.critical!, numbers.low!]);
    expect(await page.getByLabel('Buscar').inputValue()).toBe('nomina');
    expect(await priorityHeader.getAttribute('aria-sort')).toBe('descending');

    await page.locator('.saved-views summary').click();
    await page.getByLabel('Nombre de la vista').fill('Nómina urgente');
    await page.getByRole('button', { name: 'Guardar vista' }).click();
    await page.locator('.saved-views a', { hasText: 'Nómina urgente' }).waitFor();

    await page.goto(`${stack.base}/#/queues/all`);
    await expect.poll(async () => (await rows(page)).length, { timeout: 15_000 }).toBe(3);
    await page.locator('.saved-views summary').click();
    await page.locator('.saved-views a', { hasText: 'Nómina urgente' }).click();
    await waitForRows(page, [numbers.critical!, numbers.low!]);
    expect(await page.getByLabel('Buscar').inputValue()).toBe('nomina');
  }, 120_000);
});
