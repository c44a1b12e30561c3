/**
 * Keyboard and phone (issue 17), in Chromium against the whole stack: the first ticket is one Tab away (the
 * skip link lands on the queue's first row), j/k and the arrows move between rows with one tab stop, Enter
 * opens, shortcuts stay quiet while typing, Ctrl+Enter (Cmd+Enter) sends, Esc goes back to the queue with
 * the focus on the ticket's row and the scroll position kept, focus stays on the action's result; the rows'
 * bulk-selection checkboxes are no tab stops (x ticks the current row's, the mouse still clicks them); at
 * 390 px the queue is a list of cards with every countdown on screen; axe finds nothing at 390 px and at
 * desktop size. With CONSOLE_SCREENSHOTS=docs (`npm run screenshots`) it refreshes the README's console
 * screenshots (queue, queue at 390 px, ticket).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startConsoleStack, type ConsoleStack } from './harness';

const DAY = 86_400_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(root, 'test-results/console-keyboard');
const docsShots = path.join(root, 'docs/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Violation = { rule: string; help: string; nodes: string[] };

/** axe's violations on the page as it is now; throws when axe checked no text contrast (an unreadable page). */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate<{ violations: Violation[]; contrastChecked: boolean }>(
    `axe.run(document).then((r) => ({
      violations: r.violations.map((v) => ({
        rule: v.id,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + (n.failureSummary ?? '')),
      })),
      contrastChecked: [...r.passes, ...r.violations].some((x) => x.id === 'color-contrast' && x.nodes.length > 0),
    }))`,
  );
  if (!result.contrastChecked) throw new Error('axe checked no text contrast on this page');
  return result.violations;
}

/** w32 (Mexico City) open around the clock: countdowns run whatever the real clock says. */
function alwaysOpenPolicy(): object {
  const doc = parseYaml(readFileSync(path.join(root, 'policies/w32.yaml'), 'utf8')) as {
    id: string;
    name: string;
    calendars: Record<string, { weekly: unknown[]; holidays?: unknown[] }>;
    channels: Record<string, { openDuring?: string }>;
  };
  doc.id = 'w32-keys';
  doc.name = 'Multimarca W32 — siempre abierto (e2e)';
  doc.calendars.business!.weekly = [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' },
  ];
  doc.calendars.business!.holidays = [];
  delete doc.channels.phone!.openDuring;
  return doc;
}

const SUBJECTS: [string, string, 'critical' | 'high' | 'medium' | 'low'][] = [
  ['reyes', 'El DMS no arranca en la sucursal norte', 'critical'],
  ['reyes', 'Facturas timbradas con RFC equivocado', 'high'],
  ['motores', 'La impresora de órdenes de servicio no responde', 'high'],
  ['reyes', 'Reporte de inventario con totales duplicados', 'medium'],
  ['motores', 'No abre el módulo de nómina después de la actualización', 'medium'],
  ['reyes', 'Alta de un usuario nuevo para el taller de Querétaro', 'low'],
  ['motores', 'Cambiar el logotipo en las órdenes de servicio', 'low'],
  ['reyes', 'Error al exportar la póliza contable a Excel', 'medium'],
  ['motores', 'Consulta sobre el cierre de mes en el módulo de refacciones', 'low'],
  ['reyes', 'El lector de códigos de barras duplica las lecturas', 'high'],
  ['motores', 'Lentitud al abrir el catálogo de vehículos', 'medium'],
  ['reyes', 'Pregunta sobre permisos del rol de asesor', 'low'],
];

describe('keyboard and phone', () => {
  let stack: ConsoleStack;
  const numbers: number[] = [];

  const shoot = async (page: Page, name: string) => {
    const file = path.join(shots, `${name}.png`);
    await page.screenshot({ path: file });
    if (process.env.CONSOLE_SCREENSHOTS === 'docs') copyFileSync(file, path.join(docsShots, `${name}.png`));
  };
  /** The focused element, described by what the assertions look at. */
  const focused = (page: Page) =>
    page.evaluate<{
      tag: string | null;
      ticket: string | null;
      testid: string | null;
      id: string | null;
      text: string | null;
    }>(`(() => {
      const el = document.activeElement;
      return {
        tag: el?.tagName ?? null,
        ticket: el?.closest('tr')?.dataset.ticket ?? null,
        testid: el?.dataset.testid ?? null,
        id: el?.id || null,
        text: el?.textContent ?? null,
      };
    })()`);
  const scrollY = (page: Page) => page.evaluate<number>('window.scrollY');
  const rowNumbers = (page: Page) =>
    page
      .locator('table.queue tr[data-ticket]')
      .evaluateAll((rows) => rows.map((r) => Number(r.dataset.ticket)));
  const signedIn = async (size: { width: number; height: number }) => {
    const page = await stack.newPage(size);
    await stack.signIn(page, { agent: 'eva' });
    await page
      .locator('table.queue tr[data-ticket]')
      .nth(SUBJECTS.length - 1)
      .waitFor({ timeout: 20_000 });
    return page;
  };
  const ticketOpen = (page: Page, number: number) =>
    page
      .locator('#ticket-title')
      .filter({ hasText: `#${number} ·` })
      .waitFor({ timeout: 20_000 });

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    if (process.env.CONSOLE_SCREENSHOTS === 'docs') mkdirSync(docsShots, { recursive: true });
    stack = await startConsoleStack({ taskQueue: 'console-keys' });
    const now = Date.now();
    await stack.api('POST', '/v1/policies', alwaysOpenPolicy());
    for (const [id, name] of [
      ['reyes', 'Talleres Reyes'],
      ['motores', 'Motores del Bajío'],
    ]) {
      await stack.api('POST', '/v1/customers', { id, name, country: 'MX' });
      await stack.api('POST', '/v1/contracts', {
        id: `${id}-2026`,
        customerId: id,
        policyId: 'w32-keys',
        policyVersion: 1,
        plan: 'standard',
        period: 'yearly',
        startsAt: new Date(now - 5 * DAY).toISOString(),
        endsAt: new Date(now + 360 * DAY).toISOString(),
        requesters: [{ name: 'Ana Ruiz', email: `ana@${id}.mx` }],
      });
    }
    for (const [customerId, subject, priority] of SUBJECTS) {
      const { number } = (await stack.api('POST', '/v1/tickets', {
        customerId,
        draft: {
          channel: 'phone',
          type: 'incident',
          category: 'dms',
          priority,
          requesterName: 'Ana Ruiz',
          company: customerId,
          subject,
          description: `${subject}. Desde esta mañana.`,
        },
        createdBy: 'eva',
      })) as { number: number };
      numbers.push(number);
    }
    await stack.api('POST', `/v1/tickets/${numbers[1]}/assign`, { assignee: 'eva' });
    await stack.api('POST', `/v1/tickets/${numbers[2]}/assign`, { assignee: 'Luis Pérez' });
    await stack.api('POST', `/v1/tickets/${numbers[4]}/request-info`, {
      body: '¿Nos envía una captura de pantalla del error?',
    });
  }, 240_000);

  afterAll(async () => {
    await stack?.teardown();
  });

  it('reaches the first ticket in one Tab, moves with j/k and the arrows, and opens with Enter', async () => {
    const page = await signedIn({ width: 1280, height: 860 });
    // The console as an agent opens it each morning: already signed in, the page loads on the queue.
    await page.reload();
    await page
      .locator('table.queue tr[data-ticket]')
      .nth(SUBJECTS.length - 1)
      .waitFor({ timeout: 20_000 });
    const rows = await rowNumbers(page);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'A', text: 'Saltar a los tickets' });
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'A', ticket: String(rows[0]) });
    // The row is marked as a whole and the link is described by its row (subject, status, countdown...).
    const ring = await page.evaluate<string>(
      `getComputedStyle(document.querySelector('tr[data-ticket="${rows[0]}"]')).outlineStyle`,
    );
    expect(ring).toBe('solid');
    const description = await page.evaluate<string | null>(`(() => {
      const id = document.activeElement?.getAttribute('aria-describedby');
      return id ? document.getElementById(id)?.textContent ?? null : null;
    })()`);
    const first = SUBJECTS[numbers.indexOf(rows[0]!)]!;
    expect(description).toContain(first[1]);
    // One tab stop for the whole list.
    expect(await page.locator('table.queue a[tabindex="0"]').count()).toBe(1);

    await page.keyboard.press('j');
    expect((await focused(page)).ticket).toBe(String(rows[1]));
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect((await focused(page)).ticket).toBe(String(rows[1]));
    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).ticket).toBe(String(rows[2]));
    await page.keyboard.press('ArrowUp');
    expect((await focused(page)).ticket).toBe(String(rows[1]));
    expect(await page.locator('table.queue a[tabindex="0"]').count()).toBe(1);

    // While typing, letters are text: "/" goes to search, and j/k/o type there.
    await page.keyboard.press('/');
    expect((await focused(page)).id).toBe('search');
    await page.keyboard.type('jko');
    expect(await page.locator('#search').inputValue()).toBe('jko');
    expect((await focused(page)).id).toBe('search');
    await page.locator('#search').fill('');
    await page
      .locator('table.queue tr[data-ticket]')
      .nth(SUBJECTS.length - 1)
      .waitFor({ timeout: 20_000 });
    await page.evaluate("document.getElementById('search').blur()");

    // j from outside the list comes back to the current row; Enter opens it.
    await page.keyboard.press('j');
    expect((await focused(page)).ticket).toBe(String(rows[1]));
    await page.keyboard.press('Enter');
    await ticketOpen(page, rows[1]!);
    await expect.poll(async () => (await focused(page)).id).toBe('ticket-title');
    // o opens too.
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await focused(page)).ticket).toBe(String(rows[1]));
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await ticketOpen(page, rows[2]!);
    await page.context().close();
  }, 120_000);

  it('keeps the selection checkboxes out of the tab order: x ticks the current row, the mouse still clicks', async () => {
    const page = await signedIn({ width: 1280, height: 860 });
    const rows = await rowNumbers(page);
    /** What Tab can reach inside the list's rows. */
    const tabStopsInRows = () =>
      page.evaluate<number>(
        `[...document.querySelectorAll('table.queue tbody a, table.queue tbody input, table.queue tbody button')]
          .filter((el) => el.tabIndex >= 0 && !el.disabled).length`,
      );
    /** The rows whose checkbox is ticked, in order. */
    const checked = () =>
      page.evaluate<number[]>(
        `[...document.querySelectorAll('table.queue tbody tr[data-ticket]')]
          .filter((tr) => tr.querySelector('input[type="checkbox"]:checked'))
          .map((tr) => Number(tr.dataset.ticket))`,
      );
    expect(await tabStopsInRows()).toBe(1);
    await page.keyboard.press('j');
    expect((await focused(page)).ticket).toBe(String(rows[0]));
    // Tab leaves the list from its one stop, in both directions, without stopping on a row's checkbox.
    await page.keyboard.press('Tab');
    expect((await focused(page)).ticket).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ tag: 'A', ticket: String(rows[0]) });
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).ticket).toBeNull();

    // From the header, Tab lands on the list's one stop again, not on the first row's checkbox.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'A', ticket: String(rows[0]) });

    // x ticks and unticks the current row; the focus stays on its link and the bulk bar counts the selection.
    await page.keyboard.press('x');
    expect(await checked()).toEqual([rows[0]]);
    expect(await focused(page)).toMatchObject({ tag: 'A', ticket: String(rows[0]) });
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    expect(await checked()).toEqual([rows[0], rows[1]]);
    await page.getByText('2 seleccionados').waitFor();
    await page.keyboard.press('x');
    expect(await checked()).toEqual([rows[0]]);
    expect((await focused(page)).ticket).toBe(String(rows[1]));
    // The mouse still ticks a row, which becomes the current one: x then acts on it.
    await page.getByRole('checkbox', { name: `Seleccionar #${rows[2]}` }).click();
    expect(await checked()).toEqual([rows[0], rows[2]]);
    expect(await tabStopsInRows()).toBe(1);
    await page.getByRole('checkbox', { name: `Seleccionar #${rows[3]}` }).click();
    await page.keyboard.press('x');
    expect(await checked()).toEqual([rows[0], rows[2]]);
    expect(await focused(page)).toMatchObject({ tag: 'A', ticket: String(rows[3]) });
    await page.keyboard.press('x');
    expect(await checked()).toEqual([rows[0], rows[2], rows[3]]);
    // While typing, x is a letter.
    await page.keyboard.press('/');
    await page.keyboard.type('x');
    expect(await page.locator('#search').inputValue()).toBe('x');
    expect(await checked()).toEqual([rows[0], rows[2], rows[3]]);

    // The help lists the key.
    await page.locator('#search').fill('');
    await page.evaluate("document.getElementById('search').blur()");
    await page.keyboard.press('?');
    const help = page.locator('dialog.help');
    await help.waitFor();
    expect(await help.textContent()).toContain('Marcar o desmarcar el ticket actual para una acción en lote');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.context().close();
  }, 120_000);

  it('goes back with Esc to the scroll position it left, focus on the row of the ticket just seen', async () => {
    const page = await signedIn({ width: 1280, height: 520 });
    const rows = await rowNumbers(page);
    await page.keyboard.press('j');
    for (let i = 0; i < 9; i++) await page.keyboard.press('j');
    const target = rows[9]!;
    expect((await focused(page)).ticket).toBe(String(target));
    await page.evaluate('window.scrollBy(0, 40)');
    const scrolled = await scrollY(page);
    expect(scrolled).toBeGreaterThan(100);
    // The scroll event comes a frame later: a person does not press Enter within that frame, the test waits.
    await expect
      .poll(() =>
        page.evaluate("JSON.parse(sessionStorage.getItem('orquesta.queue.place') ?? 'null')?.scrollY"),
      )
      .toBe(scrolled);
    await page.keyboard.press('Enter');
    await ticketOpen(page, target);

    // The shortcuts help is a dialog: Esc closes it and stays on the ticket.
    await page.keyboard.press('?');
    const help = page.locator('dialog.help');
    await help.waitFor();
    expect(await help.textContent()).toContain('Ctrl+Intro');
    expect(await help.textContent()).toContain('Siguiente / anterior ticket de la cola');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    expect(await page.locator('#ticket-title').count()).toBe(1);

    // Esc while typing leaves the field for its form, keeping the text and the page; the next Esc goes back.
    await page.keyboard.press('n');
    await page.locator('#action-field').waitFor();
    await page.keyboard.type('borrador');
    await page.keyboard.press('Escape');
    expect(await page.locator('#action-field').inputValue()).toBe('borrador');
    expect((await focused(page)).tag).toBe('FORM');
    expect(await page.locator('#ticket-title').count()).toBe(1);

    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Colas' }).waitFor();
    await expect.poll(async () => (await focused(page)).ticket, { timeout: 20_000 }).toBe(String(target));
    expect(Math.abs((await scrollY(page)) - scrolled)).toBeLessThanOrEqual(2);
    const box = (await page.locator(`tr[data-ticket="${target}"]`).boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(520);
    await page.context().close();
  }, 120_000);

  it('sends with Ctrl+Enter and Cmd+Enter, and keeps the focus on the result', async () => {
    const page = await signedIn({ width: 1280, height: 860 });
    const number = numbers[6]!;
    await page.evaluate(`location.hash = '#/tickets/${number}'`);
    await ticketOpen(page, number);
    await page.locator('button[data-action="note"]').waitFor({ timeout: 20_000 });
    await page.keyboard.press('n');
    await page.locator('#action-field').waitFor();
    await page.keyboard.type('Nota enviada con el teclado');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('action-result').waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await focused(page)).testid).toBe('action-result');
    expect(await page.locator('form.action-form').count()).toBe(0);

    await page.keyboard.press('r');
    await page.locator('#action-field').waitFor();
    // The field has the focus as soon as it is there: the first key typed is not lost.
    expect((await focused(page)).id).toBe('action-field');
    await page.keyboard.type('Respuesta enviada con Cmd+Enter');
    await page.keyboard.press('Meta+Enter');
    await expect.poll(async () => (await focused(page)).testid, { timeout: 20_000 }).toBe('action-result');
    await expect
      .poll(async () => {
        const events = (await stack.api('GET', `/v1/tickets/${number}/events?limit=200`)) as {
          items: { type: string; data: { body?: unknown } }[];
        };
        return events.items.map((e) => `${e.type}:${typeof e.data.body === 'string' ? e.data.body : ''}`);
      })
      .toEqual(
        expect.arrayContaining([
          'internal_note:Nota enviada con el teclado',
          'agent_reply:Respuesta enviada con Cmd+Enter',
        ]),
      );

    // A reply still on its way while the agent opens a note: its answer neither closes the note nor takes the
    // focus from it (the request is held at the browser until the note has text).
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/v1/tickets/${number}/replies`, async (route) => {
      await held;
      await route.continue();
    });
    await page.keyboard.press('r');
    await page.locator('#action-field').waitFor();
    await page.keyboard.type('Respuesta lenta');
    await page.keyboard.press('Control+Enter');
    await page.locator('#ticket-title').focus();
    await page.keyboard.press('n');
    await page.locator('form.action-form[aria-label="Nota interna"]').waitFor();
    await page.keyboard.type('Nota escrita mientras tanto');
    release();
    await expect
      .poll(async () => (await page.getByTestId('action-result').textContent({ timeout: 20_000 })) ?? '')
      .toContain('Responder');
    expect(await page.locator('#action-field').inputValue()).toBe('Nota escrita mientras tanto');
    expect((await focused(page)).id).toBe('action-field');
    await page.unroute(`**/v1/tickets/${number}/replies`);
    await page.getByRole('button', { name: 'Cancelar' }).click();

    // An empty form is not sent: the field says why and keeps the focus.
    await page.keyboard.press('n');
    await page.locator('#action-field').waitFor();
    await page.keyboard.press('Control+Enter');
    expect((await focused(page)).id).toBe('action-field');
    expect(
      await page.evaluate<boolean>("document.getElementById('action-field').validity.valueMissing"),
    ).toBe(true);
    await page.getByRole('button', { name: 'Cancelar' }).click();
    expect(await page.evaluate<boolean>(`document.activeElement?.dataset.action === 'note'`)).toBe(true);
    // The README's ticket view: the conversation, the clocks and a reply being written.
    await page.keyboard.press('r');
    await page.locator('#action-field').waitFor();
    await page.keyboard.type(
      'Hola Ana: ya cambiamos el logotipo; ¿nos confirma que se ve bien en sus órdenes?',
    );
    await shoot(page, 'ticket');
    await page.context().close();
  }, 120_000);

  it('reopens a draft without the focus in it: r and n then focus its form and type nothing into it', async () => {
    const page = await signedIn({ width: 1280, height: 860 });
    const number = numbers[8]!;
    /** The bodies of the ticket's events of `type`, oldest first. */
    const bodies = async (type: string) => {
      const events = (await stack.api('GET', `/v1/tickets/${number}/events?limit=200`)) as {
        items: { type: string; seq: number; data: { body?: unknown } }[];
      };
      return events.items
        .filter((e) => e.type === type)
        .sort((a, b) => a.seq - b.seq)
        .map((e) => e.data.body);
    };
    await page.evaluate(`location.hash = '#/tickets/${number}'`);
    await ticketOpen(page, number);
    for (const [key, action, type, text] of [
      ['r', 'reply', 'agent_reply', 'Respuesta enviada con Ctrl+Enter'],
      ['n', 'note', 'internal_note', 'borrador nota'],
    ] as const) {
      await page.locator(`button[data-action="${action}"]`).waitFor({ timeout: 20_000 });
      await page.keyboard.press(key);
      await page.locator('#action-field').waitFor();
      await page.keyboard.type(text);
      // Esc leaves the field, the next goes back to the queue, the draft kept; Enter opens the ticket again.
      await page.keyboard.press('Escape');
      expect((await focused(page)).tag).toBe('FORM');
      await page.keyboard.press('Escape');
      await page.getByRole('heading', { name: 'Colas' }).waitFor();
      await expect.poll(async () => (await focused(page)).ticket, { timeout: 20_000 }).toBe(String(number));
      await page.keyboard.press('Enter');
      await ticketOpen(page, number);
      // The draft's form is open again with its text; the focus is on the page, not in the draft.
      await page.locator(`button[data-action="${action}"]`).waitFor({ timeout: 20_000 });
      expect(await page.locator('#action-field').inputValue()).toBe(text);
      await expect.poll(async () => (await focused(page)).id).toBe('ticket-title');
      // The key only moves the focus into the open form: its letter is not typed into the draft.
      await page.keyboard.press(key);
      expect((await focused(page)).id).toBe('action-field');
      await page.keyboard.press('Control+Enter');
      await expect.poll(async () => (await focused(page)).testid, { timeout: 20_000 }).toBe('action-result');
      await expect.poll(() => bodies(type), { timeout: 20_000 }).toHaveLength(1);
      expect(await bodies(type)).toEqual([text]);
    }
    await page.context().close();
  }, 120_000);

  it('shows every card whole at 390 px, countdown included, with no sideways scroll', async () => {
    const page = await signedIn({ width: 390, height: 844 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const cards = page.locator('table.queue tr[data-ticket]');
    for (let i = 0; i < 3; i++) {
      const card = cards.nth(i);
      await card.scrollIntoViewIfNeeded();
      for (const part of ['td.c-number', 'td.subject', 'td.c-status', 'td.c-priority', '.countdown']) {
        const box = await card.locator(part).boundingBox();
        expect(box, part).not.toBeNull();
        expect(box!.x, part).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, part).toBeLessThanOrEqual(390);
        expect(box!.y, part).toBeGreaterThanOrEqual(0);
        expect(box!.y + box!.height, part).toBeLessThanOrEqual(844);
      }
    }
    // Every card's selection box has one size (a grid cell stretched them to 22, 28 and 39 px).
    const boxes = await page.locator('table.queue tr[data-ticket] input[type="checkbox"]').all();
    const boxWidths = await Promise.all(boxes.map(async (b) => Math.round((await b.boundingBox())!.width)));
    expect(boxWidths.length).toBeGreaterThan(1);
    expect(new Set(boxWidths).size, JSON.stringify(boxWidths)).toBe(1);
    await page.evaluate('window.scrollTo(0, 0)');
    await shoot(page, 'queue-phone');
    // The ticket view and its forms at 390 px: nothing wider than the screen.
    await page.evaluate(`location.hash = '#/tickets/${numbers[0]}'`);
    await ticketOpen(page, numbers[0]!);
    await page.locator('button[data-action="reply"]').click({ timeout: 20_000 });
    await page.locator('table.timeline tr[data-event="created"]').waitFor({ timeout: 20_000 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const field = (await page.locator('#action-field').boundingBox())!;
    expect(field.x + field.width).toBeLessThanOrEqual(390);
    await shoot(page, 'ticket-phone');
    await page.context().close();
  }, 120_000);

  it('has no axe violations at 390 px and at desktop size, in Spanish and English', async () => {
    const failures: string[] = [];
    for (const size of [
      { width: 390, height: 844 },
      { width: 1280, height: 860 },
    ]) {
      const page = await signedIn(size);
      for (const language of ['ES', 'EN']) {
        await page.getByRole('button', { name: language, exact: true }).click();
        await page.locator('table.queue tr[data-ticket]').first().waitFor({ timeout: 20_000 });
        await page.keyboard.press('j');
        const check = async (screen: string) => {
          for (const v of await axeViolations(page)) {
            failures.push(
              `${size.width} px ${language} ${screen}: ${v.rule} (${v.help}) ${v.nodes.join(' | ')}`,
            );
          }
        };
        await check('queue');
        if (size.width === 1280 && language === 'ES') await shoot(page, 'queue');
        await page.keyboard.press('?');
        await page.locator('dialog.help').waitFor();
        await check('shortcuts help');
        await page.keyboard.press('Escape');
        await page.locator('dialog.help').waitFor({ state: 'detached' });
        await page.keyboard.press('Enter');
        await page.locator('#ticket-title').waitFor({ timeout: 20_000 });
        await page.locator('button[data-action="reply"]').click({ timeout: 20_000 });
        await page.locator('table.timeline tr[data-event="created"]').waitFor({ timeout: 20_000 });
        await check('ticket with the reply form');
        await page.getByRole('button', { name: language === 'ES' ? 'Cancelar' : 'Cancel' }).click();
        await page.locator('#ticket-title').focus();
        await page.keyboard.press('Escape');
        await page.locator('#queues-title').waitFor();
      }
      await page.getByRole('button', { name: 'ES', exact: true }).click();
      await page.context().close();
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
