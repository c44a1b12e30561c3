/**
 * The customer portal end to end, in a real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core), at a phone's 390 px: the app wired like `npm start` (embedded Postgres, the Temporal
 * emulator, a worker, the outbox dispatcher delivering to an in-process mail catcher). An arcoiris requester
 * signs in by the link emailed to her, opens her fifth ticket of the month through the web form (intake's
 * answer shown before submitting), sees the sixth refused, replies, confirms a resolution and asks for a reopen
 * on another ticket (tickets resolved through the staff API); the staff API shows all of it. HTML typed into
 * the form never renders. axe-core checks every screen in Spanish and English. Screenshots go to
 * test-results/portal/ (and to docs/screenshots/ with PORTAL_SCREENSHOTS=docs).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index';
import { seedPresetPolicies } from '../../activities/policies';
import {
  createOutboxDispatcher,
  createSmtpMailer,
  startMailCatcher,
  type MailCatcher,
  type OutboxDispatcher,
} from '../../activities/notifications/index';
import { createApp } from '../../api/app';
import { createApiKey } from '../../api/auth';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { ensurePortalBuilt } from '../../portal/build';
import { workflowsPath } from '../../worker/worker';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { createTestDatabase } from '../support/database';
import { createTestEnv, type TestEnv } from '../support/temporal-env';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DAY = 86_400_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(root, 'test-results/portal');
const docsShots = path.join(root, 'docs/screenshots');
/** The screenshots the README shows (`PORTAL_SCREENSHOTS=docs npx vitest run test/portal/portal.e2e.test.ts`). */
const DOCS_SHOTS = new Set(['portal-form', 'portal-ticket']);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HOSTILE = '<img src=x onerror="window.__pwned=1">Error al exportar';

type Violation = { rule: string; impact: string | null; help: string; nodes: string[] };

/** axe's violations on the page as it is now; throws when axe checked no text contrast (an unreadable page). */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate<{ violations: Violation[]; contrastChecked: boolean }>(
    `axe.run(document).then((r) => ({
      violations: r.violations.map((v) => ({
        rule: v.id,
        impact: v.impact ?? null,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + (n.failureSummary ?? '')),
      })),
      contrastChecked: [...r.passes, ...r.violations].some((x) => x.id === 'color-contrast' && x.nodes.length > 0),
    }))`,
  );
  if (!result.contrastChecked) throw new Error('axe checked no text contrast on this page');
  return result.violations;
}

describe('customer portal in Chromium', () => {
  let env: TestEnv;
  let destroyDb: () => Promise<void>;
  let stopWorker: (() => Promise<void>) | undefined;
  let catcher: MailCatcher | undefined;
  let dispatcher: OutboxDispatcher | undefined;
  let closeMailer: (() => void) | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let adminKey: string;
  /** Tickets opened before the browser flow (the month's first four). */
  const earlier: number[] = [];
  /** The ticket opened through the form. */
  let formTicket = 0;
  const taskQueue = 'portal-e2e';

  const api = async (method: string, url: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  };

  /** Polls the staff API until `accept` holds (the projection follows the workflow within milliseconds). */
  const staffTicket = async (number: number, accept: (t: Record<string, unknown>) => boolean) => {
    let ticket = await api('GET', `/v1/tickets/${number}`);
    for (let i = 0; i < 150 && !accept(ticket); i++) {
      await new Promise((r) => setTimeout(r, 100));
      ticket = await api('GET', `/v1/tickets/${number}`);
    }
    return ticket;
  };

  const shoot = async (name: string) => {
    const file = path.join(shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.PORTAL_SCREENSHOTS === 'docs' && DOCS_SHOTS.has(name)) {
      copyFileSync(file, path.join(docsShots, `${name}.png`));
    }
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: the portal end-to-end test needs Debian's chromium package ` +
          '(apt-get install -y --no-install-recommends chromium; .ci/run installs it).',
      );
    }
    mkdirSync(shots, { recursive: true });
    await ensurePortalBuilt();
    env = await createTestEnv({
      timeSkipping: true,
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    const database = await createTestDatabase();
    destroyDb = () => database.destroy();
    const db = database.db;
    await seedPresetPolicies(db);
    adminKey = (await createApiKey(db, { name: 'portal e2e', role: 'admin' })).key;
    const app = createApp({
      logger: pino({ level: 'silent' }),
      readiness: {},
      db,
      temporal: { client: env.client, taskQueue },
      routes: ticketActionRoutes(),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const worker = await env.startWorker({ taskQueue, workflowsPath, activities: createActivities({ db }) });
    stopWorker = () => worker.stop();
    catcher = await startMailCatcher({ logger: pino({ level: 'silent' }) });
    const mailer = createSmtpMailer({ url: catcher.smtpUrl, from: 'Orquesta <soporte@orquesta.local>' });
    closeMailer = () => mailer.close();
    dispatcher = createOutboxDispatcher({
      db,
      mailer,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 200,
      portalBaseUrl: base,
    });
    dispatcher.start();

    await api('POST', '/v1/customers', {
      id: 'clinica',
      name: 'Clínica Arcoíris',
      country: 'CO',
      locale: 'es',
    });
    const now = await env.env.currentTimeMs();
    await api('POST', '/v1/contracts', {
      id: 'clinica-2026',
      customerId: 'clinica',
      policyId: 'arcoiris',
      policyVersion: 1,
      plan: 'basic',
      period: 'yearly',
      startsAt: new Date(now - 5 * DAY).toISOString(),
      endsAt: new Date(now + 360 * DAY).toISOString(),
      requesters: [{ name: 'Marta Díaz', email: 'marta@clinica.co', portalUser: true }],
    });
    // The month's first four tickets (the basic plan gives five).
    for (const subject of [
      'No carga la agenda',
      'Duda sobre facturas',
      'Informe vacío',
      'Error al imprimir',
    ]) {
      const created = await api('POST', '/v1/tickets', {
        customerId: 'clinica',
        draft: {
          channel: 'portal',
          type: 'problem_report',
          requesterName: 'Marta Díaz',
          requesterEmail: 'marta@clinica.co',
          subject,
          description: `${subject} desde esta mañana`,
        },
      });
      earlier.push(created.number as number);
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'es-CO',
      timezoneId: 'Europe/Madrid',
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await stopWorker?.();
    await dispatcher?.stop();
    closeMailer?.();
    await catcher?.stop();
    await env?.teardown();
    await destroyDb?.();
  });

  it('serves the portal at /portal/ with a content security policy', async () => {
    const res = await fetch(`${base}/portal/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="app">');
  });

  it('signs in by the emailed link, files a ticket through the form, and sees the sixth refused', async () => {
    await page.goto(`${base}/portal/`);
    await page.getByRole('heading', { name: 'Entrar al portal de soporte' }).waitFor();
    await shoot('portal-sign-in');
    await page.getByLabel('Correo electrónico').fill('marta@clinica.co');
    await page.getByRole('button', { name: 'Enviarme el enlace' }).click();
    await page.getByText('Si ese correo está autorizado').waitFor();
    const mail = await catcher!.waitFor(
      (m) => m.to.includes('marta@clinica.co') && /portal/.test(m.subject),
      15_000,
    );
    const link = /(http:\/\/\S+\/portal\/#\/sign-in\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    expect(link, mail.text).toBeDefined();
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Casos de Clínica Arcoíris' }).waitFor();
    await page.getByText('4 de 5 casos usados; quedan 1').waitFor();
    // The session is an HTTP-only cookie: the page's script cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');

    await page.getByRole('link', { name: 'Nuevo caso' }).click();
    await page.getByRole('heading', { name: 'Nuevo caso' }).waitFor();
    await page.getByText('Falta el dato requerido: tipo de solicitud.').waitFor();
    await page.getByLabel('Tipo de solicitud').selectOption({ label: 'Reporte de problema' });
    await page.getByLabel('Asunto').fill(HOSTILE);
    await page
      .getByLabel(/Descripción detallada/)
      .fill('Al exportar a Excel aparece <b>error 500</b> a las 10:00');
    await page.getByText('Su caso será aceptado y usará 1 caso del cupo; quedarán 0.').waitFor();
    await shoot('portal-form');
    await page.getByRole('button', { name: 'Enviar el caso' }).click();
    await page.locator('h1', { hasText: '<img src=x' }).waitFor();
    formTicket = Number(/#\/tickets\/(\d+)/.exec(page.url())?.[1]);
    expect(formTicket).toBeGreaterThan(0);
    // HTML typed by the customer shows as text and never runs.
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main b').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await page.getByText(/^Respuesta antes del /).waitFor();

    await page.getByRole('link', { name: 'Nuevo caso' }).click();
    await page.getByLabel('Tipo de solicitud').selectOption({ label: 'Duda' });
    await page.getByLabel(/Descripción detallada/).fill('¿Cómo cambio mi contraseña?');
    await page.getByText('Se agotaron los 5 tickets del periodo').waitFor();
    await page.getByRole('button', { name: 'Enviar el caso' }).click();
    await page.getByRole('alert').getByText('Se agotaron los 5 tickets del periodo').waitFor();
    await shoot('portal-refused');
    const staff = await api('GET', `/v1/tickets/${formTicket}`);
    expect(staff).toMatchObject({ channel: 'portal', requesterEmail: 'marta@clinica.co', subject: HOSTILE });
    const all = (await api('GET', '/v1/tickets?customerId=clinica')).items as unknown[];
    expect(all).toHaveLength(5);
  });

  it('replies, confirms a resolution, and asks for a reopen on another ticket', async () => {
    await staffTicket(formTicket, (t) => t.status === 'open');
    await page.goto(`${base}/portal/#/tickets/${formTicket}`);
    await page.getByLabel('Su respuesta').fill('Adjunto más detalles: ocurre con cualquier informe.');
    await page.getByRole('button', { name: 'Responder' }).click();
    await page.getByText('Respuesta enviada.').waitFor();
    await staffTicket(formTicket, (t) => t.status === 'open');
    const events = async (n: number) =>
      ((await api('GET', `/v1/tickets/${n}/events`)).items as { type: string; actor: string }[]).map(
        (e) => e.type,
      );
    let seen = await events(formTicket);
    for (let i = 0; i < 100 && !seen.includes('customer_reply'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await events(formTicket);
    }
    expect(seen).toContain('customer_reply');

    await api('POST', `/v1/tickets/${formTicket}/resolve`, {
      solution: 'Corregimos la exportación.',
      agent: 'Laura Gómez',
    });
    await staffTicket(formTicket, (t) => t.status === 'resolved');
    await page.reload();
    await page.getByText('Corregimos la exportación.').waitFor();
    await page.getByText(/^Valide la solución antes del /).waitFor();
    await shoot('portal-ticket');
    await page.getByRole('button', { name: 'Confirmar la solución' }).click();
    await page.getByText('Gracias: la solución quedó confirmada.').waitFor();
    await page.locator('dd.status', { hasText: 'Cerrado' }).waitFor();
    expect((await staffTicket(formTicket, (t) => t.status === 'closed')).status).toBe('closed');

    const other = earlier[0]!;
    await staffTicket(other, (t) => t.status === 'open');
    await api('POST', `/v1/tickets/${other}/resolve`, {
      solution: 'Reiniciamos el servicio de agenda.',
      agent: 'Laura Gómez',
    });
    await staffTicket(other, (t) => t.status === 'resolved');
    await page.goto(`${base}/portal/#/tickets/${other}`);
    await page
      .getByLabel('¿Por qué no le satisface la solución?')
      .fill('La agenda sigue sin cargar los lunes.');
    await page.getByRole('button', { name: 'Pedir que se reabra' }).click();
    await page.getByText('Pedimos reabrir el caso.').waitFor();
    await page.locator('dd.status', { hasText: 'En curso' }).waitFor();
    const reopened = (await api('GET', `/v1/tickets/${other}/events`)).items as {
      type: string;
      actor: string;
    }[];
    expect(reopened.find((e) => e.type === 'reopened')).toMatchObject({ actor: 'customer' });
  });

  it('has no axe violations at 390 px, in Spanish and in English', async () => {
    const failures: string[] = [];
    const check = async (screen: string) => {
      for (const v of await axeViolations(page)) {
        failures.push(`${screen}: ${v.rule} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
      }
    };
    for (const language of ['es', 'en'] as const) {
      await page.goto(`${base}/portal/#/tickets`);
      await page.getByRole('button', { name: language === 'es' ? 'Español' : 'English' }).click();
      await page.locator('ul.tickets li').first().waitFor();
      await check(`my tickets (${language})`);
      await page.goto(`${base}/portal/#/tickets/${formTicket}`);
      await page.locator('ol.conversation li').first().waitFor();
      await check(`ticket (${language})`);
      await page.goto(`${base}/portal/#/new`);
      await page.locator('.refusal').waitFor();
      await check(`new ticket with intake's refusal (${language})`);
    }
    await page.getByRole('link', { name: 'My tickets' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the support portal' }).waitFor();
    await check('sign-in (en)');
    expect((await fetch(`${base}/v1/portal/session`)).status).toBe(401);
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
