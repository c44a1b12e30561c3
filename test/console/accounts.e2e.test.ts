/**
 * Staff accounts in a real Chromium (Debian's /usr/bin/chromium through playwright-core) against the app
 * wired like `npm start` (embedded Postgres, the ticket workflow on the Temporal test backend, the built
 * console): an agent signs in with email and password, hears live of a ticket assigned to her, adds a note,
 * and the timeline names her, not a name typed anywhere; a wrong password is refused inline; signing out
 * ends the session. Every sign-in
 * step is in `signIn` below.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index';
import { createApp } from '../../api/app';
import { createApiKey } from '../../api/auth';
import { hashPassword } from '../../api/passwords';
import { setupLink } from '../../api/account-links';
import { insertUser } from '../../api/repositories/users';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { ensureConsoleBuilt } from '../../console/build';
import { workflowsPath } from '../../worker/worker';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { seedCustomer } from '../lifecycle/fixtures';
import { createTestDatabase } from '../support/database';
import { createTestEnv, type TestEnv } from '../support/temporal-env';

const CHROMIUM = '/usr/bin/chromium';
const EVA = { email: 'eva.ortiz@staff.example', password: 'a long enough secret', name: 'Eva Ortiz' };
/** An agent whose account is in English. */
const IAN = { email: 'ian.reid@staff.example', password: 'another long secret', name: 'Ian Reid' };

/** Every sign-in step of this file: the console's sign-in form, filled with an account's email and password. */
async function signIn(page: Page, base: string, account: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Correo electrónico').fill(account.email);
  await page.getByLabel('Contraseña').fill(account.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
}

describe('staff accounts in Chromium', () => {
  let env: TestEnv;
  let destroyDb: (() => Promise<void>) | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let base: string;
  let adminKey: string;
  const taskQueue = 'accounts-e2e';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium)`,
      );
    }
    await ensureConsoleBuilt();
    env = await createTestEnv({
      timeSkipping: true,
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    const database = await createTestDatabase();
    destroyDb = () => database.destroy();
    const db = database.db;
    await seedCustomer(db, 'sisnova', 'tiendas', await env.env.currentTimeMs(), {
      plan: 'basic',
      requesters: [{ name: 'Carlos', email: 'carlos@tiendas.gt' }],
    });
    adminKey = (await createApiKey(db, { name: 'accounts e2e', role: 'admin' })).key;
    await insertUser(db, {
      email: EVA.email,
      displayName: EVA.name,
      role: 'agent',
      language: 'es',
      passwordHash: await hashPassword(EVA.password),
    });
    await insertUser(db, {
      email: IAN.email,
      displayName: IAN.name,
      role: 'agent',
      language: 'en',
      passwordHash: await hashPassword(IAN.password),
    });
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await stopWorker?.();
    await env?.teardown();
    await destroyDb?.();
  });

  it('signs in with a password and sees its own name on the timeline after a note', async () => {
    const created = await fetch(`${base}/v1/tickets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        customerId: 'tiendas',
        draft: {
          channel: 'portal',
          category: 'support',
          priority: 'high',
          requesterName: 'Carlos',
          requesterEmail: 'carlos@tiendas.gt',
          subject: 'La caja no imprime',
          description: 'Desde esta mañana',
        },
      }),
    });
    expect(created.status).toBe(201);
    const { number } = (await created.json()) as { number: number };

    const context = await browser!.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    // A wrong password is refused inline, without a session.
    await signIn(page, base, { email: EVA.email, password: 'not the password' });
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Correo o contraseña incorrectos');
    expect((await context.cookies()).filter((c) => c.name === 'orquesta_session')).toEqual([]);

    await signIn(page, base, EVA);
    await page.getByRole('heading', { name: 'Colas' }).waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(EVA.name);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'orquesta_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // The page's scripts cannot read the session.
    expect(await page.evaluate('document.cookie')).not.toContain('orquesta_session');

    // Assigned to her elsewhere: she hears of it live (server-sent events), without reloading.
    const assigned = await fetch(`${base}/v1/tickets/${number}/assign`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ assignee: EVA.name }),
    });
    expect(assigned.status).toBe(200);
    await expect
      .poll(() => page.getByTestId('latest-notification').textContent(), { timeout: 20_000 })
      .toContain(`#${number} te fue asignado`);
    await page.getByTestId('notifications-button').click();
    await page.locator('[data-notification-kind="assigned"] a').click();
    await page.locator('button[data-action="note"]').waitFor();
    expect(page.url()).toContain(`#/tickets/${number}`);
    await page.locator('button[data-action="note"]').click();
    await page.locator('form.action-form textarea').fill('Revisé la cola de impresión');
    await page.locator('form.action-form button[type=submit]').click();
    const note = page.locator('tr[data-event="internal_note"]');
    await note.waitFor();
    expect(await note.getByTestId('actor-name').textContent()).toContain(EVA.name);

    // Signing out ends the session on the server: the old cookie no longer opens anything.
    await page.getByRole('button', { name: 'Salir', exact: true }).click();
    await page.locator('#password').waitFor();
    const replay = await fetch(`${base}/v1/session`, {
      headers: { Cookie: `orquesta_session=${cookie!.value}` },
    });
    expect(replay.status).toBe(401);
    await context.close();
  });

  it("signs in in the account's language, whatever the browser showed before", async () => {
    const context = await browser!.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    // The sign-in form is in Spanish (the console's default); the account's preference is English.
    await signIn(page, base, IAN);
    await expect.poll(() => page.getByRole('link', { name: 'Queues', exact: true }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await context.close();
  });

  it("the first start's set-up link creates the administrator and lands in the console", async () => {
    // A database with no users, as on a first `npm start`, served by an app of its own.
    const fresh = await createTestDatabase();
    const app = createApp({
      logger: pino({ level: 'silent' }),
      readiness: {},
      db: fresh.db,
      temporal: { client: env.client, taskQueue },
      routes: ticketActionRoutes(),
    });
    const own = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const ownBase = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;
    const context = await browser!.newContext({ locale: 'es-ES' });
    try {
      const link = await setupLink(fresh.db, ownBase);
      expect(link).toBeDefined();
      const page = await context.newPage();
      await page.goto(link!);
      await page.getByLabel('Nombre').fill('Laura Admin');
      await page.getByLabel('Correo electrónico').fill('laura@vendor.example');
      await page.getByLabel(/Nueva contraseña/).fill('una clave bastante larga');
      await page.getByRole('button', { name: 'Crear y entrar' }).click();
      // Signed in on the queue, not left on the set-up form.
      await page.getByRole('heading', { name: 'Colas' }).waitFor();
      expect(await page.getByTestId('signed-in-as').textContent()).toBe('Laura Admin');
      expect(await page.getByRole('button', { name: 'Crear y entrar' }).count()).toBe(0);
      // The link was single-use: no second administrator through it.
      expect(await setupLink(fresh.db, ownBase)).toBeUndefined();
    } finally {
      await context.close();
      own.closeAllConnections();
      await new Promise<void>((resolve) => own.close(() => resolve()));
      await fresh.destroy();
    }
  });
});
