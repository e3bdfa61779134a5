/**
 * What every browser test needs: the built console, the real service (with a console admin) on a
 * fresh database, the Okta emulator, and Debian's chromium driven by playwright-core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../../emulators/okta/index.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import type { Engine } from '../../support/databases.js';
import { buildConsole } from './console-build.js';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct horse battery staple';
export const OKTA_TOKEN = 'okta-test-token-0123456789';

const SCREENSHOTS = path.resolve('test-results/screenshots');

export interface ConsoleHarness {
  service: TestService;
  okta: OktaEmulatorHandle;
  browser: Browser;
  close(): Promise<void>;
}

export async function startConsoleHarness(engine: Engine): Promise<ConsoleHarness> {
  const consoleDir = await buildConsole();
  // startService reads the console's settings from the environment; this test file runs in its own process
  process.env.ACCESSIQ_CONSOLE_DIR = consoleDir;
  process.env.ACCESSIQ_ADMIN_EMAIL = ADMIN_EMAIL;
  process.env.ACCESSIQ_ADMIN_PASSWORD = ADMIN_PASSWORD;
  const [service, okta, browser] = await Promise.all([
    startTestService(engine),
    startOktaEmulator({ users: 300, groups: 12, seed: 1, token: OKTA_TOKEN }),
    chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
  ]);
  return {
    service, okta, browser,
    async close() {
      await Promise.allSettled([browser.close(), okta.close(), service.close()]);
    },
  };
}

/** A fresh browser context (own cookies); `errors` collects uncaught page errors and console errors
 * (a CSP violation shows up there), which each test expects to stay empty. */
export async function newPage(h: ConsoleHarness, viewport = { width: 1366, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const context = await h.browser.newContext({ viewport, baseURL: h.service.url });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/the server responded with a status of (401|403|404|422)/.test(m.text())) errors.push(m.text()); });
  return { page, errors };
}

export async function signIn(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Creates an Okta directory through the API (for tests that start past the wizard). */
export async function createOktaDirectory(h: ConsoleHarness, name = 'Acme Okta', token = OKTA_TOKEN) {
  const r = await h.service.api.post('/api/v1/directories', { name, provider: 'okta', credentials: { orgUrl: h.okta.url, apiToken: token } });
  if (r.status !== 201) throw new Error(`create directory → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; settings: { attributeMapping: Record<string, string> } };
}
