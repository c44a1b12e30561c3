/**
 * Attachments in the console, in Chromium against the whole stack: an agent picks a screenshot for a reply,
 * sends it, sees it on the conversation and downloads it (the same bytes, as a PNG, as an attachment).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCustomer } from '../lifecycle/fixtures';
import { startConsoleStack, type ConsoleStack } from './harness';

/** The first bytes of a PNG screenshot (signature and IHDR), then filler. */
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
    page = await stack.newPage();
    await stack.signIn(page, { agent: 'eva' });
  }, 240_000);

  afterAll(async () => {
    await stack?.teardown();
  });

  it('attaches a screenshot to a reply, shows it on the conversation and downloads it', async () => {
    await page.evaluate(`location.hash = '#/tickets/${number}'`);
    await page
      .locator('#ticket-title')
      .filter({ hasText: `#${number} ·` })
      .waitFor();
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
});
