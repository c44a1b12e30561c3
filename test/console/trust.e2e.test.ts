/**
 * What makes a desk trust the console (issue 15), each in Chromium against the whole stack: drafts stay on
 * their ticket, the ticket page's clocks agree with the queue's, the customer's zone is the ticket's own, a
 * long queue keeps its rows, phone intake makes one ticket per submission, stale actions are caught, and
 * refusals say what to do next.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startConsoleStack, type ConsoleStack, openTicket } from './harness';

const DAY = 86_400_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

type PolicyDoc = Record<string, unknown> & {
  id: string;
  name: string;
  calendars: Record<string, { zone: string; weekly: unknown[]; holidays?: unknown[] }>;
  channels: Record<string, { openDuring?: string }>;
  plans: { sla: Record<string, unknown> }[];
};

function preset(file: string): PolicyDoc {
  return parseYaml(readFileSync(path.join(root, `policies/${file}.yaml`), 'utf8')) as PolicyDoc;
}

/** The weekday `days` days after `at` in `zone`, as a policy writes it. */
function weekdayIn(zone: string, at: number, days: number): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' })
    .format(at + days * DAY)
    .toLowerCase();
  return WEEKDAYS.find((d) => name.startsWith(d))!;
}

/** w32 (Mexico City) open around the clock, with a 30-minute first response: its clock always runs. */
function mexicoAlwaysOpen(): PolicyDoc {
  const doc = preset('w32');
  doc.id = 'w32-trust';
  doc.name = 'W32 — siempre abierto (e2e)';
  doc.calendars.business!.weekly = [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' },
  ];
  doc.calendars.business!.holidays = [];
  delete doc.channels.phone!.openDuring;
  const thirty = { minutes: 30 };
  doc.plans[0]!.sla = {
    firstResponse: { low: thirty, medium: thirty, high: thirty, critical: thirty },
  };
  return doc;
}

/** paygroup (Montevideo) open only on one day that is neither today nor tomorrow: its clocks stand still. */
function montevideoClosedNow(now: number): PolicyDoc {
  const doc = preset('paygroup');
  doc.id = 'paygroup-trust';
  doc.name = 'PayGroup — cerrado ahora (e2e)';
  doc.calendars.business!.weekly = [
    { days: [weekdayIn('America/Montevideo', now, 3)], from: '09:00', to: '18:00' },
  ];
  doc.calendars.business!.holidays = [];
  return doc;
}

/** Seconds of a countdown text such as `29m 41s`, `1h 05m` or `Vencido 2m 03s` (negative). */
function seconds(text: string | null): number {
  const s = text ?? '';
  const part = (unit: string) => Number(s.match(new RegExp(`(\\d+)${unit}`))?.[1] ?? 0);
  const total = part('d') * 86_400 + part('h') * 3600 + part('m') * 60 + part('s');
  return /vencid|overdue/i.test(s) ? -total : total;
}

describe('a console agents can trust', () => {
  let stack: ConsoleStack;
  let page: Page;
  const mexico: number[] = [];
  let montevideo = 0;

  const ticket = async (customerId: string, draft: Record<string, unknown>) =>
    ((await stack.api('POST', '/v1/tickets', { customerId, draft, createdBy: 'eva' })) as { number: number })
      .number;
  beforeAll(async () => {
    stack = await startConsoleStack({ taskQueue: 'console-trust' });
    const now = Date.now();
    await stack.api('POST', '/v1/policies', mexicoAlwaysOpen());
    await stack.api('POST', '/v1/policies', montevideoClosedNow(now));
    const contract = (id: string, customerId: string, policyId: string, plan: string) => ({
      id,
      customerId,
      policyId,
      policyVersion: 1,
      plan,
      period: 'yearly',
      startsAt: new Date(now - 5 * DAY).toISOString(),
      endsAt: new Date(now + 360 * DAY).toISOString(),
      requesters: [
        { name: 'Ana Ruiz', email: 'ana@reyes.mx' },
        { name: 'Luis Pérez', email: 'luis@reyes.mx' },
      ],
    });
    await stack.api('POST', '/v1/customers', { id: 'reyes', name: 'Talleres Reyes', country: 'MX' });
    await stack.api('POST', '/v1/contracts', contract('reyes-2026', 'reyes', 'w32-trust', 'standard'));
    await stack.api('POST', '/v1/customers', { id: 'pagos', name: 'Pagos del Sur', country: 'UY' });
    await stack.api('POST', '/v1/contracts', contract('pagos-2026', 'pagos', 'paygroup-trust', 'unlimited'));
    for (const subject of ['La impresora de facturas no responde', 'No abre el módulo de nómina']) {
      mexico.push(
        await ticket('reyes', {
          channel: 'phone',
          type: 'incident',
          category: 'dms',
          priority: 'high',
          requesterName: 'Ana Ruiz',
          company: 'Talleres Reyes',
          subject,
          description: subject,
        }),
      );
    }
    montevideo = await ticket('pagos', {
      channel: 'portal',
      type: 'incident',
      category: 'paygroup_software',
      priority: 'high',
      requesterEmail: 'ana@reyes.mx',
      subject: 'Conciliación bancaria duplicada',
      description: 'Cada movimiento aparece dos veces.',
    });
    page = await stack.newPage();
    await stack.signIn(page, { agent: 'eva' });
  }, 240_000);

  afterAll(async () => {
    await stack?.teardown();
  });

  it('keeps a draft reply and a draft note on their own ticket, also across a reload', async () => {
    const [first, second] = mexico as [number, number];
    const field = page.locator('#action-field');
    await openTicket(page, first);
    await page.locator('button[data-action="reply"]').click();
    await field.fill('Borrador de respuesta para el primero');
    await openTicket(page, second);
    // Nothing of the first ticket's draft here: no form open, and a new reply starts empty.
    expect(await page.locator('form.action-form').count()).toBe(0);
    await page.locator('button[data-action="reply"]').click();
    expect(await field.inputValue()).toBe('');
    await page.locator('button[data-action="note"]').click();
    await field.fill('Nota interna del segundo');
    await openTicket(page, first);
    expect(await field.inputValue()).toBe('Borrador de respuesta para el primero');
    await page.locator('button[data-action="note"]').click();
    expect(await field.inputValue()).toBe('');
    await page.reload();
    await page
      .locator('#ticket-title')
      .filter({ hasText: `#${first} ·` })
      .waitFor();
    await page.locator('button[data-action="reply"]').click();
    expect(await field.inputValue()).toBe('Borrador de respuesta para el primero');
    await openTicket(page, second);
    await page.locator('button[data-action="note"]').click();
    expect(await field.inputValue()).toBe('Nota interna del segundo');
    // Sending the note posts it on its own ticket and forgets the draft.
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page.locator('tr[data-event="internal_note"]').waitFor({ timeout: 20_000 });
    const notes = (await stack.api('GET', `/v1/tickets/${first}/events?limit=200`)) as {
      items: { type: string }[];
    };
    expect(notes.items.filter((e) => e.type === 'internal_note')).toEqual([]);
    await page.locator('button[data-action="note"]').click();
    expect(await field.inputValue()).toBe('');
    await page.getByRole('button', { name: 'Cancelar' }).click();
  }, 120_000);

  it("shows each ticket in its own customer's time zone", async () => {
    const zoneHeader = page.locator('table.timeline thead th').nth(2);
    await openTicket(page, montevideo);
    await expect.poll(() => zoneHeader.textContent(), { timeout: 20_000 }).toContain('America/Montevideo');
    await openTicket(page, mexico[0]!);
    await page.locator('li.clock[data-metric="firstResponse"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => zoneHeader.textContent(), { timeout: 20_000 }).toContain('America/Mexico_City');
    expect(await page.locator('li.clock[data-metric="firstResponse"]').textContent()).not.toContain(
      'Montevideo',
    );
  }, 60_000);

  it("names the ticket's customer in its header (the id only when the customer cannot be read)", async () => {
    // The customer's link in the ticket header.
    const customerOf = (p: Page) => p.locator('header.ticket-head a[href^="#/customers/"]');
    const customer = customerOf(page);
    await openTicket(page, montevideo);
    await expect.poll(() => customer.textContent(), { timeout: 20_000 }).toBe('Pagos del Sur');
    expect(await customer.getAttribute('href')).toBe('#/customers/pagos');
    await openTicket(page, mexico[0]!);
    await expect.poll(() => customer.textContent(), { timeout: 20_000 }).toBe('Talleres Reyes');

    const other = await stack.newPage();
    try {
      // Reading this customer fails (in the queue after signing in, or on the ticket page).
      await other.route('**/v1/customers/pagos', (route) => route.fulfill({ status: 500, body: 'down' }));
      const failed = other.waitForResponse('**/v1/customers/pagos');
      await stack.signIn(other, { agent: 'eva' });
      await openTicket(other, montevideo);
      await failed;
      await expect.poll(() => customerOf(other).textContent()).toBe('pagos');
    } finally {
      await other.context().close();
    }
  }, 60_000);

  it('counts the ticket page clocks at now, agreeing with the queue to the second, running or stopped', async () => {
    const number = mexico[1]!;
    const queue = await stack.newPage();
    await stack.signIn(queue, { agent: 'eva' });
    await queue.goto(`${stack.base}/#/queues/all`);
    const row = queue.locator(`tr[data-ticket="${number}"] .countdown`);
    // Some clock time has been counted since the ticket was opened (the queue counts it down).
    await expect
      .poll(async () => seconds(await row.textContent()), { timeout: 60_000 })
      .toBeLessThan(30 * 60 - 10);
    await openTicket(page, number);
    const clock = page.locator('li.clock[data-metric="firstResponse"]');
    const left = clock.locator('.countdown');
    await left.waitFor({ timeout: 20_000 });
    // Read both at the same moment, more than once: each page ticks on its own, so allow one second.
    for (let i = 0; i < 3; i++) {
      const [onTicket, onQueue] = await Promise.all([left.textContent(), row.textContent()]);
      expect(Math.abs(seconds(onTicket) - seconds(onQueue)), `${onTicket} / ${onQueue}`).toBeLessThanOrEqual(
        1,
      );
      await expect.poll(() => left.textContent(), { timeout: 5_000 }).not.toBe(onTicket);
    }
    expect(await clock.locator('.pill').textContent()).toBe('En marcha');
    expect(seconds(await clock.getByTestId('clock-counted').textContent())).toBeGreaterThan(5);

    // Outside the calendar's hours both stand still and say why.
    await queue.goto(`${stack.base}/#/queues/all`);
    const stoppedRow = queue.locator(`tr[data-ticket="${montevideo}"]`);
    await stoppedRow.locator('.clock-stopped').waitFor({ timeout: 20_000 });
    expect(await stoppedRow.locator('.clock-stopped').textContent()).toContain('fuera de horario');
    await openTicket(page, montevideo);
    const stopped = page.locator('li.clock[data-metric="firstResponse"]');
    await stopped.locator('.clock-stopped').waitFor({ timeout: 20_000 });
    expect(await stopped.locator('.clock-stopped').textContent()).toContain('fuera de horario');
    expect(await stopped.locator('.pill').textContent()).not.toBe('En marcha');
    expect(seconds(await stopped.locator('.countdown').textContent())).toBe(
      seconds(await stoppedRow.locator('.countdown').textContent()),
    );
    await queue.context().close();
  }, 120_000);

  it('phone intake: a caller identified by name, one ticket per submission even when retried, then an empty form', async () => {
    const count = async () =>
      ((await stack.api('GET', '/v1/tickets?customerId=reyes&limit=200')) as { items: unknown[] }).items
        .length;
    const before = await count();
    await page.goto(`${stack.base}/#/intake`);
    await page.getByLabel('Elige un cliente').fill('reyes');
    await page.getByRole('option', { name: /Talleres Reyes \(reyes\)/ }).click();
    // No email: w32's phone line identifies callers by name.
    await page.getByLabel('Nombre de quien llama').fill('Luis Pérez');
    await page.getByLabel('Empresa').fill('Talleres Reyes');
    await page.getByLabel('Tipo').selectOption('incident');
    await page.getByLabel('Categoría').selectOption('dms');
    await page.getByLabel('Asunto').fill('La terminal de caja se reinicia');
    await page.getByLabel('Descripción').fill('Se reinicia al cobrar con tarjeta.');
    // The first answer is lost on the way back (the ticket is made): the agent clicks again.
    let lost = false;
    await page.route(`${stack.base}/v1/tickets`, async (route) => {
      if (route.request().method() !== 'POST' || lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: 'Crear ticket' }).click();
    await expect.poll(() => lost).toBe(true);
    await page.locator('.intake .refusal').waitFor();
    expect(await page.getByTestId('intake-created').count()).toBe(0);
    await page.getByRole('button', { name: 'Crear ticket' }).click();
    const created = page.getByTestId('intake-created');
    await created.waitFor();
    const number = Number(((await created.textContent()) ?? '').match(/#(\d+)/)?.[1]);
    expect(await count()).toBe(before + 1);
    const row = (await stack.api('GET', `/v1/tickets/${number}`)) as {
      requesterName: string;
      subject: string;
    };
    expect(row).toMatchObject({ requesterName: 'Luis Pérez', subject: 'La terminal de caja se reinicia' });
    // The form starts again empty: a second click makes nothing.
    expect(await page.getByLabel('Asunto').inputValue()).toBe('');
    expect(await page.getByLabel('Nombre de quien llama').inputValue()).toBe('');
    expect(await page.getByLabel('Elige un cliente').inputValue()).toBe('');
    expect(await page.getByRole('button', { name: 'Crear ticket' }).isDisabled()).toBe(true);
    expect(await count()).toBe(before + 1);
    await page.unroute(`${stack.base}/v1/tickets`);
  }, 120_000);

  it('refuses a blank subject or description on the server, naming the field', async () => {
    for (const field of ['subject', 'description'] as const) {
      const res = await stack.fetchApi('POST', '/v1/tickets', {
        customerId: 'reyes',
        draft: {
          channel: 'phone',
          type: 'incident',
          category: 'dms',
          requesterName: 'Ana Ruiz',
          company: 'Talleres Reyes',
          subject: 'Asunto',
          description: 'Descripción',
          [field]: '   ',
        },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      const problem = (await res.json()) as { 'invalid-params': { name: string; reason: string }[] };
      expect(problem['invalid-params']).toContainEqual({
        name: `body.draft.${field}`,
        reason: expect.stringMatching(/empty or only spaces/) as string,
      });
    }
  });

  it('a reply written before someone else changed the ticket is held: the agent sees what changed, then sends or drops it', async () => {
    const number = mexico[0]!;
    const events = async (type: string) =>
      (
        (await stack.api('GET', `/v1/tickets/${number}/events?limit=200`)) as { items: { type: string }[] }
      ).items.filter((e) => e.type === type).length;
    const repliesBefore = await events('agent_reply');
    await openTicket(page, number);
    await page.locator('li.clock[data-metric="firstResponse"]').waitFor({ timeout: 20_000 });
    await page.locator('button[data-action="reply"]').click();
    const field = page.locator('#action-field');
    await field.fill('Ya reiniciamos la impresora, pruebe de nuevo.');
    // Meanwhile another agent changes the ticket.
    await stack.api('POST', `/v1/tickets/${number}/priority`, {
      priority: 'critical',
      reason: 'Cliente clave',
    });
    await page.getByRole('button', { name: 'Enviar' }).click();
    const stale = page.getByTestId('stale');
    await stale.waitFor({ timeout: 20_000 });
    expect(await stale.textContent()).toContain('Prioridad cambiada');
    expect(await events('agent_reply')).toBe(repliesBefore);
    // Sent anyway: the reply goes out once, written against the ticket as it now is.
    await page.getByRole('button', { name: 'Enviar igualmente' }).click();
    await expect.poll(() => events('agent_reply'), { timeout: 20_000 }).toBe(repliesBefore + 1);
    await expect.poll(() => page.getByTestId('stale').count()).toBe(0);

    // Dropped: nothing is sent and the draft is gone.
    await page.locator('button[data-action="note"]').click();
    await field.fill('Nota que ya no aplica');
    await stack.api('POST', `/v1/tickets/${number}/assign`, { assignee: 'marta' });
    await page.getByRole('button', { name: 'Enviar' }).click();
    await stale.waitFor({ timeout: 20_000 });
    expect(await stale.textContent()).toContain('Asignado');
    await page.getByRole('button', { name: 'Descartar' }).click();
    expect(await page.locator('form.action-form').count()).toBe(0);
    await page.locator('button[data-action="note"]').click();
    expect(await field.inputValue()).toBe('');
    expect(await events('internal_note')).toBe(0);
    await page.getByRole('button', { name: 'Cancelar' }).click();
  }, 120_000);

  it('answers 409 ticket-changed with what changed when an action names an old version', async () => {
    const number = mexico[1]!;
    const { version } = (await stack.api('GET', `/v1/tickets/${number}`)) as { version: number };
    await stack.api('POST', `/v1/tickets/${number}/replies`, {
      body: 'Primera respuesta',
      expectedVersion: version,
    });
    const res = await stack.fetchApi('POST', `/v1/tickets/${number}/replies`, {
      body: 'Respuesta escrita antes',
      expectedVersion: version,
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      type: 'https://orquesta.dev/problems/ticket-changed',
      code: 'stale_version',
      expectedVersion: version,
    });
    expect(problem.currentVersion).toBeGreaterThan(version);
    expect((problem.changes as { type: string }[]).map((c) => c.type)).toContain('agent_reply');
  });

  it('refusals say what to do next, and no internal code shows in Spanish or English', async () => {
    // The phone line is closed now: the answer says when it opens again, in the policy's zone.
    await page.goto(`${stack.base}/#/intake`);
    await page.getByLabel('Elige un cliente').fill('pagos');
    await page.getByRole('option', { name: /Pagos del Sur/ }).click();
    await page.getByLabel('Nombre de quien llama').fill('Ana Ruiz');
    await page.getByLabel('Asunto').fill('Consulta');
    await page.getByLabel('Descripción').fill('Consulta por teléfono');
    await page.getByRole('button', { name: 'Comprobar derecho y cuota' }).click();
    const answer = page.getByTestId('intake-answer');
    await expect.poll(() => answer.textContent(), { timeout: 20_000 }).toContain('Vuelve a atender el');
    expect(await answer.textContent()).toContain('(America/Montevideo)');

    // An unknown caller: the answer lists who may ask for this contract.
    await page.goto(`${stack.base}/#/queues/all`);
    await page.goto(`${stack.base}/#/intake`);
    await page.getByLabel('Elige un cliente').fill('reyes');
    await page.getByRole('option', { name: /Talleres Reyes \(reyes\)/ }).click();
    await page.getByLabel('Nombre de quien llama').fill('Director General');
    await page.getByLabel('Asunto').fill('Consulta');
    await page.getByLabel('Descripción').fill('Consulta por teléfono');
    await page.getByRole('button', { name: 'Comprobar derecho y cuota' }).click();
    await expect
      .poll(() => answer.textContent(), { timeout: 20_000 })
      .toContain('Personas autorizadas en este contrato: Ana Ruiz, Luis Pérez.');

    // A ticket whose priority, assignee and status changed: names, never codes, in both languages.
    const number = mexico[0]!;
    await openTicket(page, number);
    await page.locator('tr[data-event="priority_changed"]').waitFor({ timeout: 20_000 });
    // Only what an open ticket allows is offered: no confirm, no reopen.
    await page.locator('li.clock[data-metric="firstResponse"]').waitFor({ timeout: 20_000 });
    await page.locator('button[data-action="resolve"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('button[data-action="confirm"]').count()).toBe(0);
    expect(await page.locator('button[data-action="reopen"]').count()).toBe(0);
    // A refusal names its rule by name: the same priority again.
    await page.locator('button[data-action="priority"]').click();
    await page.locator('form.action-form button[type=submit]').click();
    await page.getByTestId('refusal').waitFor();
    const article = page.locator('article.ticket');
    const es = (await article.textContent()) ?? '';
    expect(es).toContain('Alta → Crítica');
    expect(es).toContain('Regla: prioridad');
    expect(es).not.toMatch(
      /\b(high|critical|medium|low|open|resolved|awaiting_customer|infoWait|validation|priority|phone)\b/,
    );
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.locator('tr[data-event="priority_changed"]').waitFor({ timeout: 20_000 });
    await page.locator('li.clock[data-metric="firstResponse"]').waitFor({ timeout: 20_000 });
    const en = (await article.textContent()) ?? '';
    expect(en).toContain('High → Critical');
    expect(en).not.toMatch(
      /high → critical|infoWait|awaiting_customer|firstResponse|agent_reply|change_priority/,
    );
    await page.getByRole('button', { name: 'ES', exact: true }).click();
  }, 120_000);

  it('shows who else has the ticket open, and stops when they leave', async () => {
    const number = mexico[1]!;
    const marta = await stack.newPage();
    await stack.signIn(marta, { agent: 'marta' });
    await openTicket(page, number);
    await openTicket(marta, number);
    await expect
      .poll(() => page.getByTestId('presence').textContent(), { timeout: 20_000 })
      .toContain('marta');
    await expect
      .poll(() => marta.getByTestId('presence').textContent(), { timeout: 20_000 })
      .toContain('eva');
    // Marta moves on: her heartbeats on this ticket stop, and after a while she is no longer shown.
    await marta.context().close();
    await expect
      .poll(() => page.getByTestId('presence').count(), { timeout: 45_000, interval: 1_000 })
      .toBe(0);
  }, 120_000);

  it('keeps every row of a long queue it was paged to across refreshes (more than the 200 of one call)', async () => {
    const wanted = 230;
    const listed = async () =>
      (
        (await stack.api('GET', '/v1/tickets?status=open,awaiting_customer&limit=200')) as {
          items: unknown[];
        }
      ).items.length;
    let missing = wanted - (await listed());
    // Four at a time: enough to fill the queue quickly without crowding the shared machine.
    while (missing > 0) {
      const batch = Math.min(4, missing);
      await Promise.all(
        Array.from({ length: batch }, (_, i) =>
          ticket('reyes', {
            channel: 'phone',
            type: 'incident',
            category: 'dms',
            priority: 'low',
            requesterName: 'Ana Ruiz',
            company: 'Talleres Reyes',
            subject: `Consulta de volumen ${missing - i}`,
            description: 'Fila de una cola larga.',
          }),
        ),
      );
      missing -= batch;
    }
    const total = wanted;
    const p = await stack.newPage();
    await stack.signIn(p, { agent: 'eva' });
    await p.goto(`${stack.base}/#/queues/all?limit=200`);
    const rows = p.locator('tr[data-ticket]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(200);
    await p.getByRole('button', { name: 'Más resultados' }).click();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(total);
    const refreshed = p.locator('[aria-live="polite"]').filter({ hasText: /Actualizado/ });
    // Two refreshes later (every 5 s), every row is still there.
    for (let i = 0; i < 2; i++) {
      const before = await refreshed.textContent();
      await expect.poll(() => refreshed.textContent(), { timeout: 15_000 }).not.toBe(before);
      expect(await rows.count()).toBeGreaterThanOrEqual(total);
    }
    await p.context().close();
  }, 240_000);
});
