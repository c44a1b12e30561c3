/**
 * The stack the console's browser tests run against, wired like `npm start`: embedded Postgres, the Temporal
 * emulator with time skipping (or the real dev server under `npm run test:real-temporal`), a worker, the API
 * serving the built console, the outbox dispatcher delivering to an in-process mail catcher, and Debian's
 * Chromium (/usr/bin/chromium) driven by playwright-core.
 *
 * Signing a page in happens in one place, {@link ConsoleStack.signIn}: when sign-in changes, only it changes.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import { createActivities } from '../../activities/index';
import { temporaryAttachmentSettings } from '../../activities/attachments/settings';
import { seedPresetPolicies } from '../../activities/policies';
import {
  createOutboxDispatcher,
  createSmtpMailer,
  startMailCatcher,
  type MailCatcher,
} from '../../activities/notifications/index';
import { createApp } from '../../api/app';
import { createApiKey } from '../../api/auth';
import { hashPassword } from '../../api/passwords';
import { findUserByEmail, insertUser } from '../../api/repositories/users';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { ensureConsoleBuilt } from '../../console/build';
import type { Database, UserRole } from '../../db/schema';
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

/** Who a page signs in as. */
export interface SignInAs {
  /** The staff account's display name; its email is `<agent>@orquesta.test`. Created on first use. */
  agent: string;
  /** Its role when created; `agent` by default. */
  role?: UserRole;
}

/** The password every staff account of the browser tests gets. */
const TEST_PASSWORD = 'console-e2e-password';

/** A running stack and a browser, with helpers to call the API and sign pages in. */
export interface ConsoleStack {
  env: TestEnv;
  db: Kysely<Database>;
  /** `http://127.0.0.1:<port>` of the API serving the console. */
  base: string;
  adminKey: string;
  catcher: MailCatcher;
  browser: Browser;
  /** Calls the API as the admin key; throws with the status and body on a non-2xx answer. */
  api(method: string, url: string, body?: unknown): Promise<unknown>;
  /** The raw answer of an API call as the admin key (for asserting on refusals). */
  fetchApi(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** A new browser context (its own storage) and page, not signed in. */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  /** Signs `page` in to the console and waits for the queues. Every sign-in step lives here. */
  signIn(page: Page, as: SignInAs): Promise<void>;
  teardown(): Promise<void>;
}

/** Opens ticket `number` in the signed-in console and waits for its title. */
export async function openTicket(page: Page, number: number): Promise<void> {
  await page.evaluate(`location.hash = '#/tickets/${number}'`);
  await page
    .locator('#ticket-title')
    .filter({ hasText: `#${number} ·` })
    .waitFor();
}

/** Starts everything the console needs; call `teardown()` in `afterAll`. */
export async function startConsoleStack(options: {
  taskQueue: string;
  /** Attachment limits other than the defaults (10 MiB, 10 files per message). */
  attachmentLimits?: { maxFileBytes?: number; maxFilesPerMessage?: number };
}): Promise<ConsoleStack> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the console end-to-end tests need Debian's chromium package ` +
        '(apt-get install -y --no-install-recommends chromium; .ci/run installs it).',
    );
  }
  await ensureConsoleBuilt();
  const cleanups: (() => Promise<void> | void)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const env = await createTestEnv({
      timeSkipping: true,
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    cleanups.push(() => env.teardown());
    const database = await createTestDatabase();
    cleanups.push(() => database.destroy());
    const db = database.db;
    await seedPresetPolicies(db);
    const adminKey = (await createApiKey(db, { name: 'console e2e', role: 'admin' })).key;
    const app = createApp({
      logger: pino({ level: 'silent' }),
      readiness: {},
      db,
      temporal: { client: env.client, taskQueue: options.taskQueue },
      routes: ticketActionRoutes(),
      ...(options.attachmentLimits && {
        api: { attachments: temporaryAttachmentSettings(options.attachmentLimits) },
      }),
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const worker = await env.startWorker({
      taskQueue: options.taskQueue,
      workflowsPath,
      activities: createActivities({ db }),
    });
    cleanups.push(() => worker.stop());
    // Notifications go out as under `npm start` without SMTP_URL: the outbox dispatcher to a mail catcher.
    const catcher = await startMailCatcher({ logger: pino({ level: 'silent' }) });
    cleanups.push(() => catcher.stop());
    const mailer = createSmtpMailer({ url: catcher.smtpUrl, from: 'Orquesta <soporte@orquesta.local>' });
    cleanups.push(() => mailer.close());
    const dispatcher = createOutboxDispatcher({
      db,
      mailer,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 200,
    });
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    cleanups.push(() => browser.close());

    const fetchApi = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${url}`, {
        method,
        headers: {
          Authorization: `Bearer ${adminKey}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': crypto.randomUUID(),
          ...headers,
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    /** Like a well-behaved integration: a 429 is retried after its Retry-After, with the same Idempotency-Key. */
    const api = async (method: string, url: string, body?: unknown) => {
      const key = { 'Idempotency-Key': crypto.randomUUID() };
      let res = await fetchApi(method, url, body, key);
      for (let retries = 0; res.status === 429 && retries < 10; retries++) {
        await res.text();
        const seconds = Number(res.headers.get('retry-after') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? seconds : 1) * 1000));
        res = await fetchApi(method, url, body, key);
      }
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    };
    const contexts: BrowserContext[] = [];
    return {
      env,
      db,
      base,
      adminKey,
      catcher,
      browser,
      api,
      fetchApi,
      async newPage({ width = 1280, height = 860 } = {}) {
        const context = await browser.newContext({
          viewport: { width, height },
          locale: 'es-ES',
          timezoneId: 'Europe/Madrid',
        });
        contexts.push(context);
        return context.newPage();
      },
      async signIn(page, as) {
        const email = `${as.agent}@orquesta.test`;
        if ((await findUserByEmail(db, email)) === undefined) {
          await insertUser(db, {
            email,
            displayName: as.agent,
            role: as.role ?? 'agent',
            language: 'es',
            passwordHash: await hashPassword(TEST_PASSWORD),
          });
        }
        await page.goto(base);
        await page.getByLabel('Correo electrónico').fill(email);
        await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
        await page.getByRole('button', { name: 'Entrar' }).click();
        await page.getByRole('heading', { name: 'Colas' }).waitFor();
      },
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}
