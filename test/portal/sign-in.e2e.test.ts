/**
 * Following the emailed sign-in link in Chromium when the page's first "who am I?" answer is slow: the link
 * signs the customer in first, and the late "no session" of that first check must not send her back to the
 * sign-in screen (the link is spent by then, so she would be stuck). CI caught this under load.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRequester, issueSignIn } from '../../api/portal/sessions';
import { ensurePortalBuilt } from '../../portal/build';
import { startConsoleStack, type ConsoleStack } from '../console/harness';
import { seedCustomer } from '../lifecycle/fixtures';

describe('portal sign-in by link', () => {
  let stack: ConsoleStack;
  let page: Page;

  beforeAll(async () => {
    await ensurePortalBuilt();
    stack = await startConsoleStack({ taskQueue: 'portal-sign-in-link' });
    await seedCustomer(stack.db, 'arcoiris', 'clinica', Date.now(), {
      requesters: [{ name: 'Marta Gil', email: 'marta@clinica.co' }],
    });
    page = await stack.newPage({ width: 390, height: 844 });
  }, 240_000);

  afterAll(async () => {
    await stack?.teardown();
  });

  it('stays signed in when the first session check answers after the link signed in', async () => {
    let heldChecks = 0;
    let verified = false;
    let heldStatus = 0;
    let checkAnswered = false;
    await page.route('**/v1/portal/session', async (route) => {
      // The page's first check is answered by the server at once (no session yet), but the answer is held
      // until the link's sign-in has been answered.
      heldChecks += 1;
      const response = await route.fetch();
      heldStatus = response.status();
      checkAnswered = true;
      const deadline = Date.now() + 15_000;
      while (!verified && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      await route.fulfill({ response });
    });
    await page.route('**/v1/portal/sign-in/verify', async (route) => {
      // The link's sign-in reaches the server only after the server has answered the first check, so that
      // answer is "no session" however the two requests race on a loaded machine.
      const deadline = Date.now() + 15_000;
      while (!checkAnswered && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await route.continue();
    });
    page.on('response', (res) => {
      if (res.url().endsWith('/v1/portal/sign-in/verify') && res.ok()) verified = true;
    });
    const requester = await findRequester(stack.db, 'marta@clinica.co', new Date());
    const { linkToken } = await issueSignIn(stack.db, requester!, new Date());

    await page.goto(`${stack.base}/portal/#/sign-in/${linkToken}`);
    await page.getByRole('link', { name: 'Nuevo caso' }).waitFor();
    // The held check has answered "no session" by now; the customer is still in.
    await page.waitForTimeout(1_000);
    expect(heldChecks).toBe(1);
    expect(heldStatus).toBe(401);
    expect(verified).toBe(true);
    await expect(page.getByRole('link', { name: 'Nuevo caso' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('heading', { name: 'Entrar al portal de soporte' }).count()).resolves.toBe(0);
  });
});
