/**
 * The staff console end to end: a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) against the app wired like `npm start` (embedded Postgres, the Temporal emulator
 * with time skipping, or the real dev server under `npm run test:real-temporal`, a worker, the API serving the
 * built console). One browser, one app, one flow: phone intake, queue countdown, request info, skipped time
 * (reminder and auto-close; emulator only), a customer reply through the API that reopens (or, without skipped
 * time, answers) the ticket, resolve, confirm; notifications delivered by the real
 * outbox dispatcher to an in-process mail catcher show in the timeline. axe-core checks every main screen
 * in Spanish and English and the test fails on any violation. Screenshots go to test-results/console/
 * (and are copied to docs/screenshots/ when CONSOLE_SCREENSHOTS=docs).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import express from 'express';
import { consoleRouter } from '../../api/console';
import { ensureDevAdminKey } from '../../api/dev-admin-key';
import { NEEDS_SKIPPED_TIME } from '../support/temporal-env';
import { startConsoleStack, type ConsoleStack } from './harness';

const DAY = 86_400_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(root, 'test-results/console');
const docsShots = path.join(root, 'docs/screenshots');
/**
 * The screenshots of the README this file takes (`npm run screenshots` refreshes them); the queue and the
 * ticket view come from keyboard.e2e.test.ts.
 */
const DOCS_SHOTS = new Set([
  'intake',
  'ticket-refusal',
  'timeline-auto-closed',
  'policies',
  'report',
  'queue-tablet-en',
]);
/** axe-core's browser build, evaluated in the page (through the DevTools protocol, so the page's CSP stays on). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe violation as a readable line per node. */
type Violation = { rule: string; impact: string | null; help: string; nodes: string[] };

/**
 * Runs axe on the page as it is now (every rule axe enables by default) and returns the violations.
 * Throws when the colour-contrast rule checked nothing, so a page that axe could not read never passes.
 */
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

/** The w32 preset with the phone line always open and one reminder before the info-wait closes the ticket. */
function e2ePolicy(): object {
  const doc = parseYaml(readFileSync(path.join(root, 'policies/w32.yaml'), 'utf8')) as {
    id: string;
    name: string;
    channels: { phone: { openDuring?: string } };
    infoWait: unknown;
  };
  doc.id = 'w32-console';
  doc.name = 'Multimarca W32 — consola (e2e)';
  delete doc.channels.phone.openDuring;
  doc.infoWait = {
    pausesSla: true,
    contactAttempts: { count: 1, every: { businessDays: 1 } },
    expireAfter: { businessDays: 3 },
    onExpiry: 'close',
    reopenOnReply: true,
  };
  return doc;
}

describe('staff console in Chromium', () => {
  let stack: ConsoleStack;
  /** The ticket created by phone intake in the main flow (the accessibility check visits it). */
  let intakeTicket = 0;
  /** An open ticket created through the API (the accessibility check shows a refusal on it). */
  let queuedTicket = 0;
  /** Whether skipped time closed that ticket (emulator only), so the customer's reply reopens it. */
  let autoClosed = false;
  let page: Page;
  let base: string;
  const api = (method: string, url: string, body?: unknown) => stack.api(method, url, body);

  const shoot = async (name: string) => {
    const file = path.join(shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    if (process.env.CONSOLE_SCREENSHOTS === 'docs' && DOCS_SHOTS.has(name)) {
      copyFileSync(file, path.join(docsShots, `${name}.png`));
    }
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    if (process.env.CONSOLE_SCREENSHOTS === 'docs') mkdirSync(docsShots, { recursive: true });
    stack = await startConsoleStack({ taskQueue: 'console-e2e' });
    base = stack.base;

    // Customers, contracts and the policy come in through the public API, as an operator would add them.
    await api('POST', '/v1/policies', e2ePolicy());
    await api('POST', '/v1/customers', {
      id: 'talleres',
      name: 'Talleres Reyes',
      country: 'MX',
      locale: 'es',
    });
    const now = await stack.env.env.currentTimeMs();
    await api('POST', '/v1/contracts', {
      id: 'talleres-2026',
      customerId: 'talleres',
      policyId: 'w32-console',
      policyVersion: 1,
      plan: 'standard',
      period: 'yearly',
      startsAt: new Date(now - 5 * DAY).toISOString(),
      endsAt: new Date(now + 360 * DAY).toISOString(),
      requesters: [
        { name: 'Ana Ruiz', email: 'ana@talleres.mx' },
        { name: 'Luis Pérez', email: 'luis@talleres.mx' },
      ],
    });
    // A few tickets already in the queue (created through the API, as a portal or integration would).
    for (const [priority, subject] of [
      ['critical', 'El DMS no arranca en la sucursal norte'],
      ['medium', 'Reporte de inventario con totales duplicados'],
      ['low', 'Cambiar el logotipo en las órdenes de servicio'],
    ] as const) {
      const { number } = (await api('POST', '/v1/tickets', {
        customerId: 'talleres',
        draft: {
          channel: 'phone',
          type: 'incident',
          category: 'dms',
          priority,
          requesterName: 'Luis Pérez',
          requesterEmail: 'luis@talleres.mx',
          company: 'Talleres Reyes',
          subject,
          description: subject,
        },
        createdBy: 'eva',
      })) as { number: number };
      queuedTicket ||= number;
    }
    page = await stack.newPage();
  });

  afterAll(async () => {
    await stack?.teardown();
  });

  const status = () => page.getByTestId('ticket-status');

  it('serves the console at / with a content security policy and its config', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('<div id="app">');
    expect(await (await fetch(`${base}/console/config.json`)).json()).toEqual({
      temporalUiUrl: null,
      namespace: 'default',
    });
    // With a Temporal UI configured, and before the console is built.
    const other = express().use(
      consoleRouter({
        temporalUiUrl: 'http://localhost:8080',
        namespace: 'ops',
        dist: path.join(shots, 'none'),
      }),
    );
    const otherServer = await new Promise<Server>((resolve) => {
      const s = other.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const otherBase = `http://127.0.0.1:${(otherServer.address() as AddressInfo).port}`;
      expect(await (await fetch(`${otherBase}/console/config.json`)).json()).toEqual({
        temporalUiUrl: 'http://localhost:8080',
        namespace: 'ops',
      });
      const missing = await fetch(`${otherBase}/`);
      expect(missing.status).toBe(503);
      expect(await missing.text()).toContain('npm run build:console');
    } finally {
      otherServer.close();
    }
  });

  it('keeps one development admin key in the data folder and replaces it when revoked', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'orquesta-devkey-'));
    try {
      const first = await ensureDevAdminKey(stack.db, { dataDir });
      expect(await ensureDevAdminKey(stack.db, { dataDir })).toBe(first);
      expect(
        (await fetch(`${base}/v1/tickets?limit=1`, { headers: { Authorization: `Bearer ${first}` } })).status,
      ).toBe(200);
      await stack.db
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('name', '=', 'development console (npm start)')
        .execute();
      expect(await ensureDevAdminKey(stack.db, { dataDir })).not.toBe(first);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('phone intake, queue countdown, a refusal inline, request info by email', async () => {
    // Sign in once with eva's account: the session cookie lasts the whole run.
    await stack.signIn(page, { agent: 'eva' });

    // Phone intake: the entitlement and quota answer before submitting.
    await page.getByRole('link', { name: 'Alta telefónica' }).click();
    // The customer picker searches as you type (name or id), not a list of the first customers.
    await page.getByLabel('Elige un cliente').fill('reyes');
    await page.getByRole('option', { name: /Talleres Reyes \(talleres\)/ }).click();
    expect(await page.getByLabel('Elige un cliente').inputValue()).toBe('Talleres Reyes (talleres)');
    await page.getByLabel('Nombre de quien llama').fill('Ana Ruiz');
    await page.getByLabel('Correo de quien llama').fill('ana@talleres.mx');
    await page.getByLabel('Empresa').fill('Talleres Reyes');
    await page.getByLabel('Teléfono de contacto').fill('+52 55 1234 5678');
    await page.getByLabel('Tipo').selectOption('incident');
    await page.getByLabel('Categoría').selectOption('dms');
    await page.getByLabel('Prioridad').selectOption('high');
    await page.getByLabel('Asunto').fill('No se generan las facturas del taller');
    await page
      .getByLabel('Descripción')
      .fill('Desde la actualización de ayer el módulo de facturación no timbra.');
    await page.getByRole('button', { name: 'Comprobar derecho y cuota' }).click();
    await expect.poll(() => page.getByTestId('intake-answer').textContent()).toContain('Se puede registrar');
    expect(await page.getByTestId('intake-answer').textContent()).toContain('no consume cuota');
    await page.getByTestId('intake-answer').scrollIntoViewIfNeeded();
    await shoot('intake');
    await page.getByRole('button', { name: 'Crear ticket' }).click();
    const created = page.getByTestId('intake-created');
    await created.waitFor();
    const number = Number(((await created.textContent()) ?? '').match(/#(\d+)/)?.[1]);
    expect(number).toBeGreaterThan(0);
    intakeTicket = number;

    // The queue shows it with a countdown to the first-response due instant, coloured by risk.
    await page.goto(`${base}/#/queues/all`);
    const row = page.locator(`tr[data-ticket="${number}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('.countdown').textContent(), { timeout: 20_000 }).toMatch(/\d+[hm]/);
    expect(await row.locator('.countdown').getAttribute('data-risk')).toMatch(/^(critical|warning|ok)$/);
    expect(await row.textContent()).toContain('No se generan las facturas del taller');
    // The countdown is business time on the policy calendar: it ticks only while that clock runs.
    const { countdown } = (await api('GET', `/v1/tickets/${number}`)) as {
      countdown: { running: boolean; clock: string; stoppedBy: string | null; remainingMs: number | null };
    };
    expect(countdown.clock).toBe('business');
    const cd = row.locator('.countdown');
    expect(await cd.getAttribute('data-running')).toBe(String(countdown.running));
    const before = await cd.textContent();
    if (countdown.running) {
      // With an hour or more left the text shows minutes ("1h 59m"): it changes once the current minute of clock
      // time is used up, which can take up to a minute (this test used to wait 5 s, failing in business hours).
      const left = countdown.remainingMs ?? 0;
      const timeout = (left >= 3_600_000 ? left % 60_000 : 1_000) + 5_000;
      await expect.poll(() => cd.textContent(), { timeout }).not.toBe(before);
    } else {
      expect(await row.locator('.clock-stopped').textContent()).toContain('fuera de horario');
      await page.waitForTimeout(2_500);
      expect(await cd.textContent()).toBe(before);
    }
    await shoot('queue');

    // "Vencen pronto" counts four hours of each ticket's own clock: a 2-business-hour target is in it
    // whatever the wall clock says (this test may run at night or on a weekend).
    await page.getByRole('link', { name: 'Vencen pronto' }).click();
    await page.locator(`tr[data-ticket="${number}"]`).waitFor();
    expect(page.url()).toContain('#/queues/soon');
    await page.goto(`${base}/#/queues/all`);
    await row.waitFor();

    // Ticket view: clocks explained; a refused action shows the rule and the reason inline.
    await row.getByRole('link').click();
    await page.locator('li.clock[data-metric="firstResponse"]').waitFor({ timeout: 20_000 });
    // Only the actions the open ticket allows are offered (no confirm); the same priority again is refused.
    await page.locator('button[data-action="resolve"]').waitFor();
    expect(await page.getByRole('button', { name: 'Confirmar solución' }).count()).toBe(0);
    await page.locator('button[data-action="priority"]').click();
    await page.locator('form.action-form button[type=submit]').click();
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Regla/);
    await shoot('ticket-refusal');

    // Request info with the keyboard shortcut `i`.
    await page.getByRole('button', { name: 'Cancelar' }).click();
    await page.locator('body').press('i');
    await page.getByLabel('Mensaje').fill('¿Qué versión del timbrador tiene instalada?');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('Esperando al cliente');
    // The request goes to the caller by email: delivered by the dispatcher, shown in the timeline.
    await stack.catcher.waitFor((m) => m.to.includes('ana@talleres.mx') && m.subject.includes(`#${number}`));
    const infoMail = page.locator('tr[data-notification="info_requested"]');
    await expect.poll(() => infoMail.getAttribute('data-status'), { timeout: 20_000 }).toBe('delivered');
    expect(await infoMail.textContent()).toContain('Solicitud de información');
    expect(await infoMail.textContent()).toContain('ana@talleres.mx');
    expect(await infoMail.textContent()).toContain('Entregada');
  }, 120_000);

  it('skipped time: one reminder, then the info-wait expires and closes the ticket', async (ctx) => {
    ctx.skip(!stack.env.timeSkipping, NEEDS_SKIPPED_TIME);
    const number = intakeTicket;
    expect(number).toBeGreaterThan(0);
    await stack.env.env.sleep(10 * DAY);
    await expect.poll(() => status().textContent(), { timeout: 30_000 }).toBe('Cerrado');
    await page.locator('tr[data-event="info_reminder"]').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-event="auto_closed"]').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-notification="info_reminder"]').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-notification="auto_closed"]').waitFor({ timeout: 20_000 });
    // Interleaved by instant: each notification right after the timeline entry that issued it.
    const lines = await Promise.all(
      (await page.locator('table.timeline tbody tr').all()).map(
        async (r) =>
          (await r.getAttribute('data-event')) ?? `mail:${await r.getAttribute('data-notification')}`,
      ),
    );
    const at = (line: string) => lines.indexOf(line);
    expect(at('mail:info_requested')).toBe(at('info_requested') + 1);
    expect(at('mail:info_reminder')).toBeGreaterThan(at('info_reminder'));
    expect(at('mail:info_reminder')).toBeLessThan(at('auto_closed'));
    expect(at('mail:auto_closed')).toBeGreaterThan(at('auto_closed'));
    await page.locator('tr[data-event="auto_closed"]').scrollIntoViewIfNeeded();
    await shoot('timeline-auto-closed');
    autoClosed = true;
  });

  it('the customer answers through the API, then resolve and confirm', async () => {
    const number = intakeTicket;
    expect(number).toBeGreaterThan(0);
    // The ticket reopens when skipped time closed it; otherwise the answer ends the wait for information.
    await api('POST', `/v1/tickets/${number}/customer-replies`, { body: 'Versión 4.2 del timbrador.' });
    await expect.poll(() => status().textContent(), { timeout: 30_000 }).toBe('Abierto');
    await page
      .locator(`tr[data-event="${autoClosed ? 'reopened' : 'customer_reply'}"]`)
      .first()
      .waitFor({ timeout: 20_000 });

    // w32: doubts and comments "pueden ser escaladas a" the managers: a complaint tells them, nothing else changes.
    await page.getByRole('button', { name: 'Registrar queja' }).click();
    expect(await page.getByLabel('Quién se queja (email o nombre)').inputValue()).toMatch(/@/);
    await page.getByLabel('Queja del cliente').fill('Nadie nos había contestado.');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page.locator('tr[data-event="complaint"]').first().waitFor({ timeout: 20_000 });
    expect(await status().textContent()).toBe('Abierto');

    // Resolve with `s`, then the solution is confirmed.
    await page.locator('h1').click();
    await page.locator('body').press('s');
    await page.getByLabel('Solución').fill('Actualizamos el certificado del timbrador; ya factura.');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('Resuelto');
    await page.getByRole('button', { name: 'Confirmar solución' }).click();
    await page.locator('form.action-form button[type=submit]').click();
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('Cerrado');
    await page.locator('h1').scrollIntoViewIfNeeded();
    await shoot('ticket');
  });

  it('customers, policies with an SLA preview, the compliance chart, English and the help', async () => {
    await page.goto(`${base}/#/customers/talleres`);
    await page.locator('[data-contract="talleres-2026"]').waitFor();
    expect(await page.getByTestId('quota-used').textContent()).toMatch(/ilimitada/);
    await shoot('customers');

    await page.goto(`${base}/#/policies/w32-console`);
    await page.getByRole('button', { name: 'Calcular' }).click();
    await page.getByTestId('sla-preview').waitFor();
    expect(await page.getByTestId('sla-preview').textContent()).toContain('America/Mexico_City');
    await shoot('policies');

    await page.goto(`${base}/#/reports`);
    await page.locator('svg.chart').waitFor();
    await shoot('report');

    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'SLA compliance report' }).waitFor();
    await page.locator('body').press('?');
    await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 820, height: 1100 });
    await page.goto(`${base}/#/queues/all`);
    await page.getByRole('heading', { name: 'Queues' }).waitFor();
    await page.locator('tr[data-ticket]').first().waitFor();
    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect(await page.locator('#search').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await shoot('queue-tablet-en');

    // Keyset paging: two rows a page, the next page through the list's cursor.
    await page.goto(`${base}/#/queues/all?limit=2`);
    await expect.poll(() => page.locator('tr[data-ticket]').count()).toBe(2);
    await page.getByRole('button', { name: 'More results' }).click();
    await expect.poll(() => page.locator('tr[data-ticket]').count()).toBe(3);
    expect(await page.getByRole('button', { name: 'More results' }).count()).toBe(0);
  });

  it('has no axe violations on the main screens, in Spanish and in English', async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
    const failures: string[] = [];
    const check = async (screen: string) => {
      for (const v of await axeViolations(page)) {
        failures.push(`${screen}: ${v.rule} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
      }
    };
    const labels = {
      es: { lang: 'ES', picker: 'Elige un cliente', check: 'Comprobar derecho y cuota', calc: 'Calcular' },
      en: { lang: 'EN', picker: 'Pick a customer', check: 'Check entitlement and quota', calc: 'Calculate' },
    };
    for (const language of ['es', 'en'] as const) {
      const l = labels[language];
      await page.goto(`${base}/#/queues/all`);
      await page.getByRole('button', { name: l.lang, exact: true }).click();
      await page.locator('tr[data-ticket]').first().waitFor();
      await page.locator('.countdown').first().waitFor();
      await check(`queue (${language})`);

      // An open ticket (the intake ticket is closed by now): the same priority again is refused.
      await page.goto(`${base}/#/tickets/${queuedTicket}`);
      await page.locator('tr[data-notification]').first().waitFor();
      await page.locator('button[data-action="priority"]').click();
      await page.locator('form.action-form button[type=submit]').click();
      await page.getByTestId('refusal').waitFor();
      await check(`ticket with a refusal (${language})`);

      await page.goto(`${base}/#/intake`);
      await page.getByLabel(l.picker).fill('tall');
      await page.getByRole('option').first().waitFor();
      await check(`intake, customer picker open (${language})`);
      await page.getByRole('option').first().click();
      await page.getByRole('button', { name: l.check }).click();
      await page.getByTestId('intake-answer').waitFor();
      await check(`intake with the entitlement answer (${language})`);

      await page.goto(`${base}/#/customers/talleres`);
      await page.locator('[data-contract="talleres-2026"]').waitFor();
      await check(`customers (${language})`);

      await page.goto(`${base}/#/policies/w32-console`);
      await page.getByRole('button', { name: l.calc }).click();
      await page.getByTestId('sla-preview').waitFor();
      await check(`policies with an SLA preview (${language})`);

      await page.goto(`${base}/#/reports`);
      await page.locator('svg.chart').waitFor();
      await check(`SLA report (${language})`);
    }
    // Signed out: the sign-in page.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('#password').waitFor();
    await check('sign-in (en)');
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
