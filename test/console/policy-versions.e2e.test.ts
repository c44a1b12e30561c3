/**
 * Policy versions and the SLA report in Chromium against the whole stack (issue 17): an invalid upload shows
 * each error by its path, a valid one is stored, the diff and the SLA effect compare it with the active
 * version, the activation dialog counts the open tickets pinned to the old version before activating, and the
 * report takes a day range and downloads its CSV.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { startConsoleStack, type ConsoleStack } from './harness';

const DAY = 86_400_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now, one `rule: target` line per node. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(
    `axe.run(document).then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' '))))`,
  );
}

type PolicyDoc = Record<string, unknown> & {
  id: string;
  version: number;
  name: string;
  channels: { phone: { openDuring?: string } };
  plans: { sla: { firstResponse: Record<string, unknown> } }[];
};

/** w32 under its own id, the phone line always open (so intake never depends on the clock). */
function policy(version: number): PolicyDoc {
  const doc = parseYaml(readFileSync(path.join(root, 'policies/w32.yaml'), 'utf8')) as PolicyDoc;
  doc.id = 'w32-versions';
  doc.version = version;
  doc.name = `W32 versiones (e2e) v${version}`;
  delete doc.channels.phone.openDuring;
  return doc;
}

describe('console: policy versions and the SLA report', () => {
  let stack: ConsoleStack;
  let page: Page;

  beforeAll(async () => {
    stack = await startConsoleStack({ taskQueue: 'policy-versions-e2e' });
    await stack.api('POST', '/v1/policies', policy(1));
    await stack.api('POST', '/v1/policies/w32-versions/versions/1/activate');
    await stack.api('POST', '/v1/customers', { id: 'versiones', name: '=SUM(A1:A9)', country: 'MX' });
    const now = await stack.env.env.currentTimeMs();
    await stack.api('POST', '/v1/contracts', {
      id: 'versiones-2026',
      customerId: 'versiones',
      policyId: 'w32-versions',
      policyVersion: 1,
      plan: 'standard',
      period: 'yearly',
      startsAt: new Date(now - 5 * DAY).toISOString(),
      endsAt: new Date(now + 360 * DAY).toISOString(),
      requesters: [{ name: 'Luis Pérez', email: 'luis@versiones.mx' }],
    });
    for (const priority of ['critical', 'medium'] as const) {
      await stack.api('POST', '/v1/tickets', {
        customerId: 'versiones',
        draft: {
          channel: 'phone',
          type: 'incident',
          category: 'dms',
          priority,
          requesterName: 'Luis Pérez',
          requesterEmail: 'luis@versiones.mx',
          company: 'Versiones SA',
          subject: `Ticket ${priority}`,
          description: `Ticket ${priority}`,
        },
        createdBy: 'eva',
      });
    }
    page = await stack.newPage();
    await stack.signIn(page, { agent: 'olga', role: 'admin' });
  });

  afterAll(async () => {
    await stack?.teardown();
  });

  it('uploads, compares and activates a version through the confirmation', async () => {
    await page.goto(`${stack.base}/#/policies/w32-versions`);
    await page.getByRole('heading', { name: 'w32-versions' }).waitFor();
    // One version is counted in the singular.
    const listed = page.locator('ul.list li').filter({ hasText: '(w32-versions)' });
    await expect.poll(() => listed.textContent()).toMatch(/· 1 versión$/);

    const invalid = policy(2);
    invalid.plans[0]!.sla.firstResponse.critical = 'soon';
    await page.getByLabel('Texto YAML').fill(stringify(invalid));
    await page.getByRole('button', { name: 'Subir', exact: true }).click();
    const errors = page.getByTestId('upload-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('plans[0].sla.firstResponse.critical:');
    // A long path wraps inside the red box instead of running out of it.
    const box = (await errors.boundingBox())!;
    for (const path of await errors.locator('code').all()) {
      const at = (await path.boundingBox())!;
      expect(at.x + at.width, (await path.textContent()) ?? '').toBeLessThanOrEqual(box.x + box.width + 0.5);
    }

    const valid = policy(2);
    valid.plans[0]!.sla.firstResponse.critical = { minutes: 45 };
    await page.getByLabel('Texto YAML').fill(stringify(valid));
    await page.getByRole('button', { name: 'Subir', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'w32-versions v2' }).waitFor();
    await page.getByRole('button', { name: 'v2', exact: true }).waitFor();
    await expect.poll(() => listed.textContent()).toMatch(/· 2 versiones$/);

    await page.getByRole('button', { name: 'Ver YAML v2' }).click();
    expect(await page.getByTestId('policy-yaml').textContent()).toContain('version: 2');

    expect(await page.getByLabel('Desde', { exact: true }).inputValue()).toBe('1');
    expect(await page.getByLabel('Hasta', { exact: true }).inputValue()).toBe('2');
    await page.getByRole('button', { name: 'Ver diferencias' }).click();
    const diff = page.getByTestId('policy-diff');
    await diff.waitFor();
    const added = await diff.locator('.diff-added').allTextContents();
    expect(added.map((l) => l.replace(/^\+Hasta: /, '').trim())).toEqual(
      expect.arrayContaining(['version: 2', 'minutes: 45']),
    );

    await page.getByRole('button', { name: 'Comparar vencimientos' }).click();
    const effect = page.getByTestId('sla-effect');
    await effect.waitFor();
    expect(await effect.locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    // Plans by the policy's name for them (w32's standard plan is "Soporte Multimarca"), not by their ids.
    expect(new Set(await effect.locator('tbody tr td:first-child').allTextContents())).toEqual(
      new Set(['Soporte Multimarca']),
    );

    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('row', { name: /^v2/ }).getByRole('button', { name: 'Activar' }).click();
    const dialog = page.getByRole('dialog', { name: /Activar la versión/ });
    await dialog.waitFor();
    const impact = dialog.getByTestId('activation-impact');
    await impact.waitFor();
    expect(await impact.textContent()).toMatch(/2 tickets abiertos con la versión v1 la conservan/);
    // One contract, in the singular.
    expect(await impact.textContent()).toMatch(/1 contrato nombra la versión v1 y sus tickets nuevos/);
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Activar' }).click();
    await page.getByRole('row', { name: /^v2/ }).getByText('Activa', { exact: true }).waitFor();
    const versions = (await stack.api('GET', '/v1/policies/w32-versions/versions')) as {
      items: { version: number; active: boolean }[];
    };
    expect(versions.items.map((v) => [v.version, v.active])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it("offers the SLA preview's plans and ticket types by their names, in Spanish and in English", async () => {
    await page.goto(`${stack.base}/#/policies/w32-versions`);
    const plan = page.getByLabel('Plan', { exact: true });
    const type = page.getByLabel('Tipo', { exact: true });
    const options = (select: typeof plan) => select.locator('option').allTextContents();
    await expect.poll(() => options(plan)).toContain('Soporte Multimarca');
    expect(await options(plan)).not.toContain('standard');
    expect(await options(type)).toEqual(['—', 'Incidente', 'Requerimiento', 'Cambio', 'Problema']);
    expect(await plan.inputValue()).toBe('standard');
    await type.selectOption({ label: 'Requerimiento' });
    await page.getByRole('button', { name: 'Calcular' }).click();
    await page.getByTestId('sla-preview').waitFor();

    await page.getByRole('button', { name: 'EN', exact: true }).click();
    try {
      await expect
        .poll(() => options(page.getByLabel('Type', { exact: true })))
        .toEqual(['—', 'Incident', 'Requirement', 'Change', 'Problem']);
      expect(await options(page.getByLabel('Plan', { exact: true }))).toContain('Multimarca support');
      await page.getByRole('button', { name: 'Compare due instants' }).click();
      const effect = page.getByTestId('sla-effect');
      await effect.waitFor();
      expect(new Set(await effect.locator('tbody tr td:first-child').allTextContents())).toEqual(
        new Set(['Multimarca support']),
      );
      expect(await page.locator('ul.list li').filter({ hasText: '(w32-versions)' }).textContent()).toMatch(
        /· 2 versions$/,
      );
    } finally {
      await page.getByRole('button', { name: 'ES', exact: true }).click();
    }
  });

  it('takes a day range on the SLA report and downloads it as CSV', async () => {
    await page.goto(`${stack.base}/#/reports`);
    await page.getByLabel('Agrupar por').selectOption('customer');
    await page.getByLabel('Desde el día').fill('2026-03-10');
    await page.getByLabel('Hasta el día (incluido)').fill('2026-03-01');
    await page.getByRole('alert').filter({ hasText: 'La fecha final es anterior a la inicial.' }).waitFor();
    expect(await page.getByRole('button', { name: 'Descargar CSV' }).isDisabled()).toBe(true);

    const today = new Date();
    const day = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await page.getByLabel('Desde el día').fill(day(new Date(today.getTime() - 2 * DAY)));
    await page.getByLabel('Hasta el día (incluido)').fill(day(new Date(today.getTime() + 2 * DAY)));
    await page.getByRole('cell', { name: /versiones/ }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Descargar CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const records = csv.split('\r\n');
    expect(records[0]).toBe(
      'grupo,nombre,tickets,incumplidos,cumplimiento,primera respuesta,actualización,resolución',
    );
    expect(records.find((r) => r.startsWith('versiones,'))).toMatch(/^versiones,'=SUM\(A1:A9\),2,/);
  });
});
