/**
 * Attachments in the customer portal, in Chromium against the whole stack: a w32 requester (whose portal form
 * requires an image) is told so and cannot send the form without one; a file of a refused type and one over
 * the size limit are named as refused while the form is still open (they are uploaded as chosen), in es and
 * en; a screenshot dropped on the picker is sent with the ticket and downloaded from the conversation; support's
 * public file shows, the file of an internal note never does; a reply carries a file through the same picker.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRequester, issueSignIn } from '../../api/portal/sessions';
import { ensurePortalBuilt } from '../../portal/build';
import { startConsoleStack, type ConsoleStack } from '../console/harness';
import { eventually, seedCustomer } from '../lifecycle/fixtures';

/** axe-core's browser build, evaluated in the page. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The largest file the stack of this test accepts (small, so the refusal costs little to send). */
const LIMIT = 64 * 1024;

/** A PNG (signature and IHDR), then filler to `size` bytes. */
const png = (size: number) =>
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.from('IHDR'),
    Buffer.alloc(size - 16, 7),
  ]);
/** A Windows executable's first bytes: refused whatever its name says. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(
    `axe.run(document).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
  );
}

describe('attachments in the customer portal', () => {
  let stack: ConsoleStack;
  let page: Page;

  /** Uploads a file as the staff API's admin key and returns its id. */
  const staffUpload = async (bytes: Buffer, name: string): Promise<string> => {
    const res = await fetch(`${stack.base}/v1/attachments?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${stack.adminKey}`,
        'Content-Type': 'application/octet-stream',
        'Idempotency-Key': crypto.randomUUID(),
      },
      body: bytes,
    });
    const body = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body.id;
  };

  /** The file names the portal page links to for download. */
  const linkedFiles = () => page.locator('ol.conversation a[download]').allTextContents();

  /** The new-ticket form in Spanish, filled in but for the files. */
  const openFilledForm = async (subject: string) => {
    await page.goto(`${stack.base}/portal/#/new`);
    await page.getByRole('button', { name: 'Español' }).click();
    await page.getByRole('heading', { name: 'Nuevo caso' }).waitFor();
    await page.getByLabel('Tipo de solicitud').selectOption({ label: 'Incidente' });
    // Shown only when the contract offers more than one category.
    const category = page.getByLabel('Categoría');
    if ((await category.count()) > 0) await category.selectOption({ label: 'Sistema Multimarca W32' });
    await page.getByLabel('Teléfono de contacto').fill('+52 55 5555 0001');
    await page.getByLabel('Asunto').fill(subject);
    await page.getByLabel(/Descripción detallada/).fill('Error 301 al timbrar desde esta mañana');
  };

  beforeAll(async () => {
    await ensurePortalBuilt();
    stack = await startConsoleStack({
      taskQueue: 'portal-attachments',
      attachmentLimits: { maxFileBytes: LIMIT },
    });
    await seedCustomer(stack.db, 'w32', 'agencia', Date.now(), {
      requesters: [{ name: 'Ana Ruiz', email: 'ana@agencia.mx' }],
    });
    page = await stack.newPage({ width: 390, height: 844 });
    const requester = await findRequester(stack.db, 'ana@agencia.mx', new Date());
    const { linkToken } = await issueSignIn(stack.db, requester!, new Date());
    await page.goto(`${stack.base}/portal/#/sign-in/${linkToken}`);
    await page.getByRole('link', { name: 'Nuevo caso' }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await stack?.teardown();
  });

  it('says the policy needs a file, refuses to send without one, and names refused files before sending', async () => {
    await openFilledForm('Sin captura');
    await page
      .getByText(
        'Su contrato pide adjuntar al menos 1 imagen o archivo (por ejemplo, una captura de pantalla).',
      )
      .waitFor();
    // Intake's answer counts real files: none yet.
    await page.locator('.refusal').getByText('Adjunte al menos 1 imagen(es)').waitFor();
    await page.getByRole('button', { name: 'Enviar el caso' }).click();
    await page.getByRole('alert').getByText('Adjunte al menos 1 archivo antes de enviar el caso.').waitFor();

    await page.getByLabel('Capturas o archivos: elíjalos o suéltelos aquí').setInputFiles([
      { name: 'factura.png', mimeType: 'image/png', buffer: EXE },
      { name: 'enorme.png', mimeType: 'image/png', buffer: png(LIMIT + 1) },
    ]);
    const refusedType = page.locator('.chosen-files li').filter({ hasText: 'factura.png' });
    await refusedType.getByText('Este tipo de archivo no se admite').waitFor();
    const tooLarge = page.locator('.chosen-files li').filter({ hasText: 'enorme.png' });
    await tooLarge.getByText('El archivo supera el tamaño máximo').waitFor();
    expect(await page.locator('.chosen-files li', { hasText: 'no se enviará' }).count()).toBe(2);
    await page.getByRole('button', { name: 'Enviar el caso' }).click();
    await page.getByRole('alert').getByText('Adjunte al menos 1 archivo antes de enviar el caso.').waitFor();
    expect(
      await stack.db.selectFrom('tickets').select('number').where('subject', '=', 'Sin captura').execute(),
    ).toEqual([]);

    // The same page in English: the requirement and the server's refusal reasons in the customer's language.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Your contract asks for at least 1 image or file').waitFor();
    await page
      .getByLabel('Screenshots or files: choose them or drop them here')
      .setInputFiles({ name: 'otra.exe', mimeType: 'application/octet-stream', buffer: EXE });
    await page
      .locator('.chosen-files li')
      .filter({ hasText: 'otra.exe' })
      .getByText('This type of file is not accepted')
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Remove otra.exe' }).click();
    await page.getByRole('button', { name: 'Remove factura.png' }).click();
    await page.getByRole('button', { name: 'Remove enorme.png' }).click();
    expect(await page.locator('.chosen-files li').count()).toBe(0);
    await page.getByRole('button', { name: 'Español' }).click();
  }, 120_000);

  it('sends a dropped screenshot with the ticket and downloads it from the conversation', async () => {
    await openFilledForm('No timbra la factura');
    const shot = png(3000);
    // A file dropped on the picker, as a desktop file manager drops it.
    const dataTransfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      const bytes = Uint8Array.from(atob('${shot.toString('base64')}'), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], 'pantalla.png', { type: 'image/png' }));
      return dt;
    })()`);
    await page.locator('.file-picker').dispatchEvent('drop', { dataTransfer });
    await page.locator('.chosen-files li').filter({ hasText: 'pantalla.png' }).getByText('listo').waitFor();
    await page.locator('.intake .ok').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Enviar el caso' }).click();
    await page.locator('h1', { hasText: 'No timbra la factura' }).waitFor();
    const number = Number(/#\/tickets\/(\d+)/.exec(page.url())?.[1]);
    expect(number).toBeGreaterThan(0);

    const link = page.locator('ol.conversation li.you a[download="pantalla.png"]');
    await link.waitFor();
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/v1/portal/tickets/${number}/attachments/[0-9a-f-]{36}$`));
    const got = (await page.evaluate(async (url) => {
      const res = await fetch(url, { credentials: 'same-origin' });
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        bytes: Array.from(new Uint8Array(await res.arrayBuffer())),
      };
    }, href!)) as { status: number; type: string; bytes: number[] };
    expect(got.status).toBe(200);
    expect(got.type).toBe('image/png');
    expect(Buffer.compare(Buffer.from(got.bytes), shot)).toBe(0);
    // Only the file sent is on the ticket: the refused ones were never stored.
    const stored = await stack.db
      .selectFrom('attachments')
      .select(['name', 'message_id'])
      .where('ticket_number', '=', number)
      .execute();
    expect(stored).toEqual([{ name: 'pantalla.png', message_id: 'intake' }]);
  }, 120_000);

  it("shows support's public files, never an internal note's, and replies with a file", async () => {
    const screenshot = await staffUpload(png(2000), 'pantalla.png');
    const { number } = (await stack.api('POST', '/v1/tickets', {
      customerId: 'agencia',
      draft: {
        channel: 'email',
        type: 'incident',
        category: 'dms',
        company: 'Agencia Norte',
        requesterName: 'Ana Ruiz',
        requesterEmail: 'ana@agencia.mx',
        contactPhone: '+52 55 5555 0001',
        subject: 'No abre refacciones',
        description: 'Pantalla en blanco al entrar.',
      },
      attachmentIds: [screenshot],
    })) as { number: number };
    await eventually(
      async () => (await stack.api('GET', `/v1/tickets/${number}`)) as { status: string },
      (t) => t.status === 'open',
    );
    const guide = await staffUpload(Buffer.from('%PDF-1.4 guía de timbrado'), 'guia.pdf');
    const internal = await staffUpload(Buffer.from('notas solo para el equipo'), 'interno.txt');
    await stack.api('POST', `/v1/tickets/${number}/replies`, {
      body: 'Siga la guía adjunta',
      agent: 'Laura Gómez',
      attachmentIds: [guide],
    });
    await stack.api('POST', `/v1/tickets/${number}/replies`, {
      body: 'Revisar el certificado del cliente',
      agent: 'Laura Gómez',
      internal: true,
      attachmentIds: [internal],
    });
    await eventually(
      async () => (await stack.api('GET', `/v1/tickets/${number}/events`)) as { items: { type: string }[] },
      (e) => e.items.filter((x) => x.type === 'agent_reply' || x.type === 'internal_note').length >= 2,
    );
    await page.goto(`${stack.base}/portal/#/tickets/${number}`);
    await page.getByRole('button', { name: 'Español' }).click();
    await page.locator('ol.conversation li.support a[download="guia.pdf"]').waitFor();
    expect(await linkedFiles()).toEqual(['pantalla.png', 'guia.pdf']);
    expect(await page.locator('main').textContent()).not.toContain('interno.txt');
    expect(await page.locator('main').textContent()).not.toContain('Revisar el certificado');

    await page.getByLabel('Su respuesta').fill('Adjunto el acuse del SAT');
    await page
      .getByLabel('Capturas o archivos: elíjalos o suéltelos aquí')
      .setInputFiles({ name: 'acuse.txt', mimeType: 'text/plain', buffer: Buffer.from('Acuse 301 del SAT') });
    await page.locator('.chosen-files li').filter({ hasText: 'acuse.txt' }).getByText('listo').waitFor();
    await page.getByRole('button', { name: 'Responder' }).click();
    await page.getByText('Respuesta enviada.').waitFor();
    expect(await page.locator('.chosen-files li').count()).toBe(0);
    await eventually(
      async () => (await stack.api('GET', `/v1/tickets/${number}/events`)) as { items: { type: string }[] },
      (e) => e.items.some((x) => x.type === 'customer_reply'),
    );
    await page.reload();
    await page.locator('ol.conversation li.you a[download="acuse.txt"]').waitFor();
    expect(await linkedFiles()).toEqual(['pantalla.png', 'guia.pdf', 'acuse.txt']);
    expect(await axeViolations(page)).toEqual([]);
  }, 120_000);
});
