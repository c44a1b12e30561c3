/**
 * Attachments in the console, in Chromium against the whole stack: an agent picks a screenshot for a reply,
 * sends it, sees it on the conversation and downloads it (the same bytes, as a PNG, as an attachment); phone
 * intake carries a file with the new ticket through the same picker, and the ticket view lists it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPolicy } from '../api/fixtures';
import { seedCustomer } from '../lifecycle/fixtures';
import { startConsoleStack, type ConsoleStack, openTicket } from './harness';

/** The first bytes of a PNG screenshot (signature and IHDR), then filler. */
const DAY = 86_400_000;

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(3000, 9),
]);

describe('attachments in the console', () => {
  let stack: ConsoleStack;
  let page: Page;
  let number = 0;

  beforeAll(async () => {
    stack = await startConsoleStack({ taskQueue: 'console-attachments' });
    await seedCustomer(stack.db, 'paygroup', 'coop', Date.now(), {
      requesters: [{ name: 'Ana Ruiz', email: 'ana@coop.uy' }],
    });
    const created = (await stack.api('POST', '/v1/tickets', {
      customerId: 'coop',
      draft: {
        channel: 'portal',
        type: 'incident',
        category: 'paygroup_software',
        priority: 'high',
        requesterEmail: 'ana@coop.uy',
        subject: 'La conciliación no cuadra',
        description: 'Faltan movimientos del lunes.',
      },
    })) as { number: number };
    number = created.number;
    // A phone line open at every hour, so the intake test does not depend on the clock.
    await stack.api(
      'POST',
      '/v1/policies',
      testPolicy({ id: 'files-desk', name: 'Files desk', channels: { phone: { accepted: true } } }),
    );
    await stack.api('POST', '/v1/customers', { id: 'taller', name: 'Taller Norte' });
    await stack.api('POST', '/v1/contracts', {
      id: 'taller-c',
      customerId: 'taller',
      policyId: 'files-desk',
      policyVersion: 1,
      plan: 'free',
      period: 'yearly',
      startsAt: new Date(Date.now() - 20 * DAY).toISOString(),
      endsAt: new Date(Date.now() + 340 * DAY).toISOString(),
    });
    page = await stack.newPage();
    await stack.signIn(page, { agent: 'eva' });
  }, 240_000);

  afterAll(async () => {
    await stack?.teardown();
  });

  it('attaches a screenshot to a reply, shows it on the conversation and downloads it', async () => {
    await openTicket(page, number);
    await page.locator('button[data-action="reply"]').click();
    await page.locator('#action-field').fill('Le envío la captura con el paso a seguir');
    await page
      .locator('#action-files')
      .setInputFiles({ name: 'captura.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.chosen-files li').filter({ hasText: 'captura.png' }).waitFor();
    await page.getByRole('button', { name: 'Enviar' }).click();

    const link = page.locator('.conversation .msg-agent_reply a[download="captura.png"]');
    await link.waitFor({ timeout: 20_000 });
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/v1/tickets/${number}/attachments/[0-9a-f-]{36}$`));

    // Downloaded by the signed-in browser (its session cookie), as the link does.
    const got = (await page.evaluate(async (url) => {
      const res = await fetch(url, { credentials: 'same-origin' });
      const bytes = Array.from(new Uint8Array(await res.arrayBuffer()));
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        disposition: res.headers.get('content-disposition'),
        nosniff: res.headers.get('x-content-type-options'),
        bytes,
      };
    }, href!)) as { status: number; type: string; disposition: string; nosniff: string; bytes: number[] };
    expect(got.status).toBe(200);
    expect(got.type).toBe('image/png');
    expect(got.nosniff).toBe('nosniff');
    expect(got.disposition).toContain('attachment; filename="captura.png"');
    expect(Buffer.compare(Buffer.from(got.bytes), PNG)).toBe(0);
  }, 120_000);

  it('refuses a program named as such, saying which file and why in the console language only', async () => {
    await openTicket(page, number);
    await page.locator('button[data-action="reply"]').click();
    await page.locator('#action-field').fill('Le envío el instalador');
    const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
    await page
      .locator('#action-files')
      .setInputFiles({ name: 'instalador.exe', mimeType: 'application/octet-stream', buffer: program });
    await page.getByRole('button', { name: 'Enviar' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'instalador.exe' });
    await refusal.waitFor({ timeout: 20_000 });
    const text = (await refusal.textContent()) ?? '';
    expect(text).toContain('instalador.exe: ');
    // The localized detail, without the English field list ("body: file type not allowed").
    expect(text).not.toContain('body:');
    expect(text).not.toMatch(/not allowed/);
  }, 120_000);

  it('carries a file chosen on phone intake with the new ticket, listed on its ticket view', async () => {
    await page.evaluate(`location.hash = '#/intake'`);
    await page.getByLabel('Elige un cliente').fill('taller');
    await page.getByRole('option', { name: /Taller Norte \(taller\)/ }).click();
    await page.getByLabel('Nombre de quien llama').fill('Luis Mora');
    await page.getByLabel('Tipo').selectOption('incident');
    await page.getByLabel('Asunto').fill('La báscula no envía el peso');
    await page.getByLabel('Descripción').fill('Le dicté el error por teléfono; mandó la foto por chat.');
    // The same picker as the reply form: choose, see it listed, remove and choose again.
    const picker = page.getByLabel('Elegir archivos o soltarlos aquí');
    await picker.setInputFiles({ name: 'otra.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Quitar otra.png' }).click();
    await picker.setInputFiles({ name: 'bascula.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.chosen-files li').filter({ hasText: 'bascula.png' }).waitFor();
    expect(await page.locator('.chosen-files li').count()).toBe(1);
    await page.getByRole('button', { name: 'Crear ticket' }).click();
    const created = page.getByTestId('intake-created');
    await created.waitFor({ timeout: 20_000 });
    const opened = Number(((await created.textContent()) ?? '').match(/#(\d+)/)?.[1]);
    expect(opened).toBeGreaterThan(0);
    // The form starts again empty, files included.
    expect(await page.locator('.chosen-files li').count()).toBe(0);
    const stored = await stack.db
      .selectFrom('attachments')
      .select(['name', 'message_id'])
      .where('ticket_number', '=', opened)
      .execute();
    expect(stored).toEqual([{ name: 'bascula.png', message_id: 'intake' }]);

    await page.evaluate(`location.hash = '#/tickets/${opened}'`);
    const link = page.locator('.conversation .msg-created a[download="bascula.png"]');
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('href')).toMatch(
      new RegExp(`^/v1/tickets/${opened}/attachments/[0-9a-f-]{36}$`),
    );
  }, 120_000);
});
