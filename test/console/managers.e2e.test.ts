/**
 * Manager screens (issue 17) in Chromium against the whole stack: a supervisor edits a customer's time zone,
 * authorizes a requester and removes one after confirming, buys an add-on pack and reads its balance in
 * words ("Paquete adicional de 10 tickets", never the pack's id), reads the contract's term apart from its
 * quota period, and sorts the quota use of every customer; an agent reads the same screens without editing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPolicy } from '../api/fixtures';
import { startConsoleStack, type ConsoleStack } from './harness';

const DAY = 86_400_000;
/** axe-core's browser build, evaluated in the page (as in console.e2e.test.ts). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's violations on the page as it is now, one line each (every rule axe enables by default). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(
    `axe.run(document).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
  );
}

describe('manager screens in Chromium', () => {
  let stack: ConsoleStack;
  let page: Page;
  /** Customer `id`'s gold contract (`<id>-c`), running since 20 days ago, with one portal requester. */
  const createContract = (id: string, requester: { name: string; email: string }) =>
    stack.api('POST', '/v1/contracts', {
      id: `${id}-c`,
      customerId: id,
      policyId: 'managers-policy',
      policyVersion: 1,
      plan: 'gold',
      period: 'yearly',
      startsAt: new Date(Date.now() - 20 * DAY).toISOString(),
      endsAt: new Date(Date.now() + 340 * DAY).toISOString(),
      requesters: [{ ...requester, portalUser: true }],
    });

  beforeAll(async () => {
    stack = await startConsoleStack({ taskQueue: 'console-managers' });
    await stack.api('POST', '/v1/policies', testPolicy({ id: 'managers-policy', name: 'Managers policy' }));
    for (const [id, name] of [
      ['lumen', 'Lumen SA'],
      ['zafiro', 'Zafiro SRL'],
    ] as const) {
      await stack.api('POST', '/v1/customers', { id, name });
      await createContract(id, { name: 'Ana Gil', email: `ana@${id}.test` });
    }
    page = await stack.newPage();
    await stack.signIn(page, { agent: 'sofia', role: 'supervisor' });
  });
  afterAll(() => stack?.teardown());

  const customer = (id: string) => stack.api('GET', `/v1/customers/${id}`) as Promise<{ timeZone: string }>;
  const contract = (id: string) =>
    stack.api('GET', `/v1/contracts/${id}`) as Promise<{ requesters: { name: string; email?: string }[] }>;

  it('edits the time zone, authorizes and removes requesters, buys a pack, shows term and quota in words', async () => {
    await page.goto(`${stack.base}/#/customers/lumen`);
    const card = page.locator('[data-contract="lumen-c"]');
    await expect
      .poll(() => card.getByTestId('term-and-quota').textContent())
      .toBe('contrato anual, cupo mensual');

    const details = page.getByRole('form', { name: 'Datos del cliente' });
    await details.getByLabel('Zona horaria').selectOption('America/Montevideo');
    await details.getByRole('button', { name: 'Guardar' }).click();
    await details.getByRole('status').filter({ hasText: 'Cambios guardados.' }).waitFor();
    expect((await customer('lumen')).timeZone).toBe('America/Montevideo');
    await page.getByTestId('customer-local-time').waitFor();

    const add = card.getByRole('form', { name: 'Autorizar solicitante' });
    await add.getByLabel('Nombre del solicitante').fill('Bruno Paz');
    await add.getByLabel('Correo (con el que entra al portal)').fill('Bruno@Lumen.test');
    await add.getByRole('button', { name: 'Autorizar solicitante' }).click();
    await card.getByText('bruno@lumen.test').waitFor();
    expect((await contract('lumen-c')).requesters.map((r) => r.email)).toEqual([
      'ana@lumen.test',
      'bruno@lumen.test',
    ]);

    // Removing asks first; cancelling keeps the requester.
    await card.getByRole('button', { name: 'Quitar Ana Gil' }).click();
    const confirm = card.getByRole('alertdialog', { name: 'Quitar Ana Gil' });
    await confirm.getByText('Ya no podrá pedir soporte para este cliente.', { exact: false }).waitFor();
    await confirm.getByRole('button', { name: 'Cancelar' }).click();
    expect((await contract('lumen-c')).requesters).toHaveLength(2);
    await card.getByRole('button', { name: 'Quitar Ana Gil' }).click();
    await card.getByRole('alertdialog').getByRole('button', { name: 'Quitar Ana Gil' }).click();
    await card.getByText('ana@lumen.test').waitFor({ state: 'detached' });
    expect((await contract('lumen-c')).requesters.map((r) => r.name)).toEqual(['Bruno Paz']);

    const trained = card.getByRole('form', { name: 'Agregar usuario capacitado' });
    await trained.getByLabel('Nombre').fill('Carla Ruiz');
    await trained.getByLabel('Módulos (separados por comas)').fill('nómina, facturación');
    await trained.getByRole('button', { name: 'Agregar usuario capacitado' }).click();
    await card.getByText('Carla Ruiz · módulos: nómina, facturación').waitFor();
    const afterTraining = (await stack.api('GET', '/v1/contracts/lumen-c')) as { trainedUsers: unknown[] };
    expect(afterTraining.trainedUsers).toEqual([{ name: 'Carla Ruiz', modules: ['nómina', 'facturación'] }]);

    // A licence: holder, trial, valid until a date; then removed again after confirming.
    const licence = card.getByRole('form', { name: 'Agregar licencia' });
    await licence.getByLabel('Titular').fill('Sucursal Norte');
    await licence.getByLabel('Válida hasta').fill('2030-06-30');
    await licence.getByLabel('De prueba').check();
    await licence.getByRole('button', { name: 'Agregar licencia' }).click();
    await card.getByText('Sucursal Norte', { exact: false }).waitFor();
    const licensed = (await stack.api('GET', '/v1/contracts/lumen-c')) as {
      licenses: { holder?: string; trial: boolean; validUntil?: number }[];
    };
    expect(licensed.licenses).toEqual([expect.objectContaining({ holder: 'Sucursal Norte', trial: true })]);
    expect(licensed.licenses[0]!.validUntil).toBeGreaterThan(Date.parse('2030-06-29T00:00:00Z'));
    await card.getByRole('button', { name: 'Quitar Sucursal Norte' }).click();
    await card.getByRole('alertdialog').getByText('¿Quitar la licencia de Sucursal Norte?').waitFor();
    await card.getByRole('alertdialog').getByRole('button', { name: 'Quitar Sucursal Norte' }).click();
    await card.getByText('Sin licencias registradas.').waitFor();
    expect(((await stack.api('GET', '/v1/contracts/lumen-c')) as { licenses: unknown[] }).licenses).toEqual(
      [],
    );

    const buy = card.getByRole('form', { name: 'Comprar paquete' });
    await expect
      .poll(() => buy.getByLabel('Paquete').locator('option').first().textContent())
      .toBe('Paquete adicional de 10 tickets · válido 90 días');
    await buy.getByRole('button', { name: 'Comprar paquete' }).click();
    await card.getByText('Paquete comprado.').waitFor();
    await expect.poll(() => card.getByTestId('pack-balance').textContent()).toBe('10 tickets disponibles');
    await card.getByRole('cell', { name: 'Paquete adicional de 10 tickets' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('pack10');
    const purchases = (await stack.api('GET', '/v1/contracts/lumen-c/addon-purchases')) as {
      items: unknown[];
    };
    expect(purchases.items).toHaveLength(1);
  });

  it('lists quota use per customer, sortable', async () => {
    await page.goto(`${stack.base}/#/customers`);
    await page.getByRole('link', { name: 'Uso de cupo de todos los clientes' }).click();
    const table = page.getByRole('table', { name: 'Uso de cupo por cliente' });
    const lumen = table.locator('[data-contract="lumen-c"]');
    await lumen.waitFor();
    // Earlier tests in this file may have bought packs; the other customer has none.
    await expect
      .poll(() => lumen.getByTestId('quota-row-balance').textContent())
      .toMatch(/^\d+ tickets disponibles$/);
    expect(
      await table.locator('[data-contract="zafiro-c"]').getByTestId('quota-row-used').textContent(),
    ).toBe('0 / 3');

    const customers = () => table.locator('tbody tr td:first-child').allTextContents();
    await table.getByRole('button', { name: 'Cliente' }).click();
    await expect.poll(customers).toEqual(['Lumen SA', 'Zafiro SRL']);
    await table.getByRole('button', { name: 'Cliente' }).click();
    await expect.poll(customers).toEqual(['Zafiro SRL', 'Lumen SA']);
  });

  it('has no axe violations on the editing and quota screens, in Spanish and English', async () => {
    const violations: string[] = [];
    for (const language of ['ES', 'EN']) {
      await page.goto(`${stack.base}/#/queues/all`);
      await page.getByRole('button', { name: language, exact: true }).click();
      await page.goto(`${stack.base}/#/customers/zafiro`);
      await page.locator('[data-contract="zafiro-c"] [data-testid="pack-balance"]').waitFor();
      violations.push(...(await axeViolations(page)).map((v) => `customer (${language}) ${v}`));
      await page.goto(`${stack.base}/#/quota`);
      await page.locator('[data-contract="zafiro-c"]').waitFor();
      violations.push(...(await axeViolations(page)).map((v) => `quota (${language}) ${v}`));
    }
    await page.getByRole('button', { name: 'ES', exact: true }).click();
    expect(violations).toEqual([]);
  });

  it('shows an agent the same screens without editing', async () => {
    const agent = await stack.newPage();
    await stack.signIn(agent, { agent: 'tomas' });
    await agent.goto(`${stack.base}/#/customers/zafiro`);
    await agent
      .getByText('Solo supervisores y administradores pueden cambiar clientes y contratos.')
      .waitFor();
    expect(await agent.getByRole('form', { name: 'Comprar paquete' }).count()).toBe(0);
    expect(await agent.getByRole('button', { name: 'Quitar Ana Gil' }).count()).toBe(0);
    await agent.context().close();
  });

  // The tests below use a customer of their own, made after the quota list above has been read.
  const cedro = () => stack.api('GET', '/v1/customers/cedro') as Promise<{ country: string | null }>;
  /** Opens Cedro's page read afresh (going to the hash the page already shows would not load it again). */
  const openCedro = async () => {
    await page.goto(`${stack.base}/#/customers/cedro`);
    await page.reload();
  };
  const cedroContract = () =>
    stack.api('GET', '/v1/contracts/cedro-c') as Promise<{
      plan: string;
      endsAt: string;
      version: number;
      requesters: { name: string }[];
    }>;

  it('picks the country from a list of names: Guatemala is saved as GT, not cut to GU (Guam)', async () => {
    await stack.api('POST', '/v1/customers', { id: 'cedro', name: 'Cedro SA' });
    // A code stored before the list existed (the withdrawn UK) stays selectable.
    await stack.db.updateTable('customers').set({ country: 'UK' }).where('id', '=', 'cedro').execute();
    await openCedro();
    const details = page.getByRole('form', { name: 'Datos del cliente' });
    // A list to pick from, not a two-letter text box that cuts "Guatemala" to "Gu".
    await details.locator('#cu-country').waitFor();
    expect(await details.locator('select#cu-country').count()).toBe(1);
    const country = details.getByLabel('País', { exact: true });
    await expect.poll(() => country.inputValue()).toBe('UK');
    const names = await country.locator('option').allTextContents();
    expect(names.slice(0, 2)).toEqual(['(sin país)', 'Reino Unido (UK)']);
    const listed = names.slice(2);
    expect(listed).toEqual(
      expect.arrayContaining(['Guatemala', 'Guam', 'Uruguay', 'Alemania', 'Reino Unido']),
    );
    for (const notCountry of ['Unión Europea', 'Naciones Unidas', 'zona del euro', 'Región desconocida']) {
      expect(listed).not.toContain(notCountry);
    }
    expect(listed.filter((n) => n === 'Alemania')).toHaveLength(1); // DE, not also the withdrawn DD
    expect(listed).toEqual(
      await page.evaluate((all) => [...all].sort(new Intl.Collator('es').compare), listed),
    );

    await country.selectOption({ label: 'Guatemala' });
    await details.getByRole('button', { name: 'Guardar' }).click();
    await details.getByRole('status').filter({ hasText: 'Cambios guardados.' }).waitFor();
    expect((await cedro()).country).toBe('GT');

    // Named in the console's language.
    await page.goto(`${stack.base}/#/queues/all`);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.goto(`${stack.base}/#/customers/cedro`);
    const inEnglish = page
      .getByRole('form', { name: 'Customer details' })
      .getByLabel('Country', { exact: true });
    await expect.poll(() => inEnglish.inputValue()).toBe('GT');
    expect(await inEnglish.locator('option:checked').textContent()).toBe('Guatemala');
    expect(await inEnglish.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['(no country)', 'Germany', 'Guam', 'United Kingdom']),
    );
    await page.goto(`${stack.base}/#/queues/all`);
    await page.getByRole('button', { name: 'ES', exact: true }).click();
  });

  it('confirms each contract edit once the contract has been read again', async () => {
    await createContract('cedro', { name: 'Eva Sol', email: 'eva@cedro.test' });
    await openCedro();
    const card = page.locator('[data-contract="cedro-c"]');

    const add = card.getByRole('form', { name: 'Autorizar solicitante' });
    await add.getByLabel('Nombre del solicitante').fill('Luis Mar');
    await add.getByLabel('Correo (con el que entra al portal)').fill('luis@cedro.test');
    await add.getByRole('button', { name: 'Autorizar solicitante' }).click();
    // The new requester is listed only from the contract read again after saving: the confirmation outlives it.
    await card.getByText('luis@cedro.test').waitFor();
    expect(await card.getByRole('status').allTextContents()).toEqual(['Cambios guardados.']);

    const edit = card.getByRole('form', { name: 'Editar contrato' });
    await edit.getByLabel('Plan', { exact: true }).selectOption({ label: 'Libre' });
    await edit.getByRole('button', { name: 'Guardar' }).click();
    await card.getByRole('heading', { name: /Plan Libre/ }).waitFor();
    expect(await card.getByRole('status').allTextContents()).toEqual(['Cambios guardados.']);
    expect(await edit.getByLabel('Plan', { exact: true }).inputValue()).toBe('free');
    expect((await cedroContract()).plan).toBe('free');
  });

  it('asks before removing or ending with the safe choice focused: Esc and Enter keep everything', async () => {
    await openCedro();
    const card = page.locator('[data-contract="cedro-c"]');
    const before = await cedroContract();
    const focused = () => page.evaluate<string | null>('document.activeElement?.textContent ?? null');

    const remove = card.getByRole('button', { name: 'Quitar Eva Sol' });
    const question = card.getByRole('alertdialog', { name: 'Quitar Eva Sol' });
    await remove.click();
    await question.waitFor();
    expect(await focused()).toBe('Cancelar');
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached', timeout: 5_000 });
    // Back on the button that asked.
    expect(await remove.evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);

    await remove.click();
    await question.waitFor();
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await remove.evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);

    const end = card.getByRole('button', { name: 'Terminar el contrato ahora' });
    await end.click();
    await card.getByRole('alertdialog', { name: 'Terminar el contrato ahora' }).waitFor();
    expect(await focused()).toBe('Cancelar');
    await page.keyboard.press('Enter');
    await card
      .getByRole('alertdialog', { name: 'Terminar el contrato ahora' })
      .waitFor({ state: 'detached', timeout: 5_000 });

    // Time for a removal that should not have been sent to land, had it been.
    await page.waitForTimeout(500);
    const after = await cedroContract();
    expect(after.version).toBe(before.version);
    expect(after.requesters.map((r) => r.name)).toEqual(['Eva Sol', 'Luis Mar']);
    expect(after.endsAt).toBe(before.endsAt);
  });
});
