/**
 * Canned replies and bulk actions in Chromium against the whole stack (issue 17): an agent inserts a
 * rendered canned reply, edits it and sends it with a CC (the email copies the CC); then selects three
 * tickets in the queue and assigns them at once, one of them closed meanwhile, and reads each ticket's
 * outcome, the refused one with its reason; a search that hides ticked tickets takes them out of the
 * selection (a bulk note then reaches only the ticket shown), and a finished action clears the selection
 * and its typed value.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleStack, type ConsoleStack, openTicket } from './harness';

const DAY = 86_400_000;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now, one line each (every rule axe enables by default). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(
    `axe.run(document).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
  );
}
const draft = {
  channel: 'portal',
  category: 'support',
  priority: 'high',
  requesterName: 'Luis Pérez',
  requesterEmail: 'luis@tiendas.gt',
  description: 'Desde esta mañana',
};

describe('canned replies and bulk actions in the console', () => {
  let stack: ConsoleStack;
  let page: Page;
  const numbers: number[] = [];

  beforeAll(async () => {
    stack = await startConsoleStack({ taskQueue: 'console-macros' });
    const now = Date.now();
    await stack.api('POST', '/v1/customers', { id: 'tiendas', name: 'Tiendas Sisnova', country: 'GT' });
    await stack.api('POST', '/v1/contracts', {
      id: 'tiendas-2026',
      customerId: 'tiendas',
      policyId: 'sisnova',
      policyVersion: 1,
      plan: 'corporate',
      period: 'yearly',
      startsAt: new Date(now - 5 * DAY).toISOString(),
      endsAt: new Date(now + 360 * DAY).toISOString(),
    });
    for (const subject of ['La caja no imprime', 'No cuadra el cierre', 'Falla el lector', 'Sin red']) {
      const created = (await stack.api('POST', '/v1/tickets', {
        customerId: 'tiendas',
        draft: { ...draft, subject },
        locale: 'es',
      })) as { number: number };
      numbers.push(created.number);
    }
    await stack.api('POST', '/v1/canned-replies', {
      title: 'Acuse',
      body: 'Hola {{requester.name}}, revisamos el ticket {{ticket.number}} ({{ticket.subject}}).',
      language: 'es',
      scope: 'shared',
    });
    page = await stack.newPage();
    await stack.signIn(page, { agent: 'eva' });
  }, 180_000);
  afterAll(() => stack?.teardown());

  it('inserts a rendered canned reply, lets the agent edit it, and sends it with a CC', async () => {
    const number = numbers[0]!;
    await openTicket(page, number);
    await page.locator('button[data-action="reply"]').click();
    await page.getByLabel('Buscar respuesta predefinida').fill('Acuse');
    await page.locator('li[data-canned="Acuse"]').getByRole('button', { name: 'Insertar' }).click();
    const box = page.locator('#action-field');
    const rendered = `Hola Luis Pérez, revisamos el ticket #${number} (La caja no imprime).`;
    expect(await box.inputValue()).toBe(rendered);
    expect(await axeViolations(page)).toEqual([]);
    await box.fill(`${rendered} Le escribo en una hora.`);
    await page.getByLabel('CC (correos separados por comas)').fill('jefa@tiendas.gt');
    await page.getByRole('button', { name: 'Enviar', exact: true }).click();
    const sent = page
      .locator('.conversation li.msg-agent_reply')
      .filter({ hasText: 'Le escribo en una hora.' });
    await sent.waitFor();
    expect(await sent.locator('.cc').textContent()).toBe('CC: jefa@tiendas.gt');
    const mail = await stack.catcher.waitFor((m) => m.envelope.to.includes('jefa@tiendas.gt'));
    expect(mail.envelope.to).toContain('luis@tiendas.gt');
    expect(mail.text).toContain('Le escribo en una hora.');
  });

  it('assigns three selected tickets at once and shows each outcome, the refused one with its reason', async () => {
    const [a, b, c] = numbers.slice(1) as [number, number, number];
    await page.evaluate(`location.hash = '#/queues/all'`);
    for (const n of [a, b, c]) {
      const box = page.getByRole('checkbox', { name: `Seleccionar #${n}`, exact: true });
      await box.check();
    }
    await page.getByText('3 seleccionados').waitFor();
    // Someone else closes one of them meanwhile: its policy refuses the assignment.
    await stack.api('POST', `/v1/tickets/${c}/close`, { reason: 'Duplicado' });
    await page.getByLabel('Acción en lote').selectOption('assign');
    await page.getByLabel('Valor').fill('Marta Gómez');
    await page.getByRole('button', { name: 'Aplicar a los seleccionados' }).click();
    const results = page.getByRole('region', { name: 'Acciones en lote' }).locator('li[data-bulk-ticket]');
    await results.nth(2).waitFor();
    const outcome = async (n: number) => page.locator(`li[data-bulk-ticket="${n}"]`).textContent();
    expect(await outcome(a)).toBe(`#${a}: hecho`);
    expect(await outcome(b)).toBe(`#${b}: hecho`);
    expect(await outcome(c)).toMatch(new RegExp(`^#${c}: rechazado — El ticket #${c} está cerrado`));
    // The queue follows: the two assigned tickets show their new assignee.
    await page.locator(`tr[data-ticket="${a}"]`).filter({ hasText: 'Marta Gómez' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('drops ticked tickets a search hides, so a bulk note reaches only the tickets still shown', async () => {
    const [a, b] = numbers as [number, number];
    const created = (await stack.api('POST', '/v1/tickets', {
      customerId: 'tiendas',
      draft: { ...draft, subject: 'Error en la nómina de marzo' },
      locale: 'es',
    })) as { number: number };
    const payroll = created.number;
    await page.goto(`${stack.base}/#/queues/all`);
    await page.reload();
    await page.locator(`tr[data-ticket="${payroll}"]`).waitFor();
    const bar = page.getByRole('region', { name: 'Acciones en lote' });
    const ticked = () =>
      page
        .locator('tr[data-ticket]')
        .filter({ has: page.locator('input[type="checkbox"]:checked') })
        .evaluateAll((trs: { getAttribute(name: string): string | null }[]) =>
          trs.map((tr) => Number(tr.getAttribute('data-ticket'))),
        );
    for (const n of [a, b])
      await page.getByRole('checkbox', { name: `Seleccionar #${n}`, exact: true }).check();
    await bar.getByText('2 seleccionados').waitFor();

    // The search hides both ticked tickets: they leave the selection, and the bar (no longer "2 seleccionados")
    // offers nothing to apply.
    await page.getByLabel('Buscar').pressSequentially('nomina', { delay: 60 });
    await expect.poll(() => page.locator('tr[data-ticket]').count(), { timeout: 15_000 }).toBe(1);
    await page.locator(`tr[data-ticket="${payroll}"]`).waitFor();
    expect(await ticked()).toEqual([]);
    await expect.poll(() => bar.innerText(), { timeout: 3_000 }).not.toMatch(/\d+ seleccionados?\b/);
    expect(await bar.getByRole('button', { name: 'Aplicar a los seleccionados' }).count()).toBe(0);

    // Ticking the one shown and adding a note reaches that ticket alone.
    await page.getByRole('checkbox', { name: `Seleccionar #${payroll}`, exact: true }).check();
    await bar.getByText('1 seleccionado', { exact: true }).waitFor();
    await page.getByLabel('Acción en lote').selectOption('note');
    await page.getByLabel('Valor').fill('Revisar con planillas');
    await bar.getByRole('button', { name: 'Aplicar a los seleccionados' }).click();
    const results = bar.locator('li[data-bulk-ticket]');
    await results.first().waitFor();
    expect(await results.allTextContents()).toEqual([`#${payroll}: hecho`]);
    const notes = (n: number) =>
      stack.db
        .selectFrom('ticket_events')
        .select('data')
        .where('ticket_number', '=', n)
        .execute()
        .then(
          (events) => events.filter((e) => JSON.stringify(e.data).includes('Revisar con planillas')).length,
        );
    await expect.poll(() => notes(payroll), { timeout: 15_000 }).toBe(1);
    expect(await notes(a)).toBe(0);
    expect(await notes(b)).toBe(0);
  });

  it('clears the selection and the typed value once a bulk action is done, keeping each outcome shown', async () => {
    const bar = page.getByRole('region', { name: 'Acciones en lote' });
    const payroll = Number(await page.locator('tr[data-ticket]').first().getAttribute('data-ticket'));
    // The previous test's note is done: its outcome stays, but nothing is ticked and nothing can be applied.
    expect(await bar.locator('li[data-bulk-ticket]').allTextContents()).toEqual([`#${payroll}: hecho`]);
    expect(await page.locator('tr[data-ticket] input[type="checkbox"]:checked').count()).toBe(0);
    expect(await bar.innerText()).not.toMatch(/\d+ seleccionados?\b/);
    expect(await bar.getByRole('button', { name: 'Aplicar a los seleccionados' }).count()).toBe(0);
    // Ticking again starts a new action: the note typed before is gone, so a click cannot repeat it.
    await page.getByRole('checkbox', { name: `Seleccionar #${payroll}`, exact: true }).check();
    await bar.getByText('1 seleccionado', { exact: true }).waitFor();
    expect(await page.getByLabel('Valor').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Quitar selección' }).click();
    expect(await page.locator('tr[data-ticket] input[type="checkbox"]:checked').count()).toBe(0);
  });

  it('lists canned replies on their screen, where an agent may not touch shared ones', async () => {
    await page.evaluate(`location.hash = '#/canned-replies'`);
    await page.locator('tr[data-canned-row="Acuse"]').waitFor();
    expect(await page.locator('tr[data-canned-row="Acuse"] button').count()).toBe(0);
    await page.getByRole('button', { name: 'Nueva respuesta' }).click();
    await page.getByLabel('Título').fill('Mía');
    await page.getByLabel('Texto').fill('Hola {{cliente}}');
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.getByRole('alert').filter({ hasText: 'marcador desconocido: {{cliente}}' }).waitFor();
    await page.getByLabel('Texto').fill('Hola {{requester.name}}');
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.locator('tr[data-canned-row="Mía"]').getByRole('button', { name: 'Editar Mía' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});
