/**
 * The console's other paths, in a real browser: sign-in failure (and the session's CSRF and
 * throttling rules), a failed Test connection, editing an attribute mapping with its live preview,
 * a dry-run Preview, the sync log filter and search, and API tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { ADMIN_EMAIL, createOktaDirectory, newPage, screenshot, signIn, startConsoleHarness, type ConsoleHarness } from './support/console-harness.js';

for (const engine of ENGINES) {
  describe(`console screens (${engine})`, () => {
    let h: ConsoleHarness;
    beforeAll(async () => { h = await startConsoleHarness(engine); });
    afterAll(async () => { await h?.close(); });

    it('refuses a wrong password with a message at the form, then signs in and out', async () => {
      const { page, errors } = await newPage(h);
      await signIn(page, ADMIN_EMAIL, 'not the password');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('The email or password is not right');
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      await screenshot(page, `${engine}-sign-in-failed`);
      // empty fields are caught before anything is sent
      await page.getByLabel('Email').fill('');
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await page.getByText('Enter your email.').isVisible()).toBe(true);

      await signIn(page);
      await page.getByRole('heading', { level: 1, name: 'Directory Sync' }).waitFor();
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === 'aiq_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      expect(cookies.find((c) => c.name === 'aiq_csrf')?.httpOnly).toBe(false);
      // a state-changing request with the cookie but without the CSRF header is refused
      const noHeader = await page.evaluate(async () => (await fetch('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) })).status);
      expect(noHeader).toBe(403);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
      const after = await page.evaluate(async () => (await fetch('/api/v1/directories')).status);
      expect(after).toBe(401);
      expect(errors).toEqual([]);
    });

    it('slows down password guessing: the sixth failure for one email is refused with 429', async () => {
      const email = `nobody-${engine}@example.com`;
      const attempt = () => fetch(`${h.service.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'guess' }) });
      for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('shows a failed Test connection with the reason, and Continue stays disabled', async () => {
      const { page, errors } = await newPage(h);
      await signIn(page);
      await page.getByRole('link', { name: 'Add Directory' }).first().click();
      await page.getByRole('radio', { name: 'Okta' }).check();
      await page.getByRole('button', { name: 'Test connection' }).click();
      expect(await page.getByText('Enter the okta org url.').isVisible()).toBe(true);
      await page.getByLabel('Okta org URL').fill(h.okta.url);
      await page.getByLabel('API token').fill('wrong-token');
      await page.getByRole('button', { name: 'Test connection' }).click();
      const result = page.getByTestId('test-result');
      await result.waitFor();
      const text = (await result.textContent()) ?? '';
      expect(text).toContain('Connection failed');
      expect(text.toLowerCase()).toMatch(/token|auth/);
      expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
      await screenshot(page, `${engine}-wizard-test-connection-failed`);
      expect(errors).toEqual([]);
    });

    it('edits an attribute mapping with a live preview, reports a bad expression at its row, and saves', async () => {
      const dir = await createOktaDirectory(h, 'Mapping Okta');
      const { page, errors } = await newPage(h);
      await signIn(page);
      await page.goto(`/#/directory-sync/${dir.id}/settings`);
      const row = page.locator('tr[data-target="displayName"]');
      const expression = row.getByRole('textbox', { name: /Directory field for displayName/ });
      await expression.fill('{profile.lastName}, {profile.firstName}');
      await expect.poll(async () => row.getByTestId('sample-value').textContent()).toMatch(/^\S.*, \S/);
      await expression.fill('lowr(profile.email)');
      await expect.poll(async () => row.locator('.field-error').textContent()).toContain('unknown function "lowr"');
      await screenshot(page, `${engine}-mapping-error`);
      await expression.fill('upper(profile.lastName)');
      await expect.poll(async () => row.getByTestId('sample-value').textContent()).toMatch(/^[^a-z]+$/);
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Settings saved.').waitFor();
      const saved = (await h.service.api.get(`/api/v1/directories/${dir.id}`)).body;
      expect(saved.settings.attributeMapping.displayName).toBe('upper(profile.lastName)');
      expect(saved.settings.attributeMapping.email).toBe('profile.email');
      await screenshot(page, `${engine}-directory-settings`);
      expect(errors).toEqual([]);
    });

    it('Preview runs a dry run that shows what would change and changes nothing', async () => {
      const dir = await createOktaDirectory(h, 'Preview Okta');
      const { page, errors } = await newPage(h);
      await signIn(page);
      await page.goto(`/#/directory-sync/${dir.id}`);
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('heading', { name: 'Preview: what a sync would change' }).waitFor({ timeout: 60_000 });
      const runId = /runs\/([^/?]+)/.exec(page.url())![1]!;
      const run = (await h.service.api.get(`/api/v1/sync-runs/${runId}`)).body;
      expect(run).toMatchObject({ dryRun: true, status: 'succeeded' });
      expect(run.counts.usersCreated).toBeGreaterThan(0);
      const shown = await page.locator('[data-testid="run-results"] tr[data-count="created"] td').textContent();
      expect(Number(shown!.replace(/\D/g, ''))).toBe(run.counts.usersCreated);
      expect(await page.getByText('Nothing was changed.').isVisible()).toBe(true);
      expect(await h.service.api.all(`/api/v1/users?directoryId=${dir.id}`)).toHaveLength(0);
      await page.getByTestId('sync-log').locator('tr[data-kind="user.created"]').first().waitFor();
      await screenshot(page, `${engine}-preview-dry-run`);
      expect(errors).toEqual([]);
    });

    it('filters a run’s sync log by kind and searches it; the run history shows counts and duration', async () => {
      const dir = await createOktaDirectory(h, 'Log Okta');
      h.okta.state.addPerson({ email: 'not-an-email' });
      const run = await h.service.api.sync(dir.id);
      expect(run.status).toBe('succeeded');
      expect(run.counts.errors).toBeGreaterThan(0);
      const someone = (await h.service.api.get(`/api/v1/sync-runs/${run.id}/log?kind=created&limit=1`)).body.data[0];

      const { page, errors } = await newPage(h);
      await signIn(page);
      await page.goto(`/#/directory-sync/${dir.id}/runs`);
      const history = page.getByTestId('run-history');
      await history.waitFor();
      expect(await history.locator(`tr[data-run="${run.id}"]`).textContent()).toContain(String(run.counts.usersCreated));
      await screenshot(page, `${engine}-run-history`);
      await history.locator(`tr[data-run="${run.id}"]`).getByRole('link').click();

      const log = page.getByTestId('sync-log');
      await log.locator('tbody tr').first().waitFor();
      await log.getByRole('combobox', { name: 'Show' }).selectOption({ label: 'Errors' });
      await expect.poll(async () => log.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(Array(run.counts.errors).fill('error'));
      expect(page.url()).toContain('kind=error');
      await screenshot(page, `${engine}-sync-log-errors`);
      await log.getByRole('combobox', { name: 'Show' }).selectOption({ label: 'Created' });
      await log.getByRole('searchbox', { name: 'Search' }).fill(someone.subject);
      await expect.poll(async () => log.locator('tbody tr .subject').allTextContents()).toEqual([someone.subject]);
      await log.getByRole('searchbox', { name: 'Search' }).fill('no such person anywhere');
      await log.getByTestId('log-empty').waitFor();
      expect(errors).toEqual([]);
    });

    it('creates an API token shown once, which works, and revokes it', async () => {
      const { page, errors } = await newPage(h);
      await signIn(page);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
      await page.getByLabel('Token name').fill('CI pipeline');
      await page.getByRole('button', { name: 'Create token' }).click();
      const token = (await page.getByTestId('new-token').locator('code').textContent())!;
      expect((await h.service.api.get('/api/v1/directories', token)).status).toBe(200);
      await screenshot(page, `${engine}-api-tokens`);
      await page.getByRole('button', { name: 'Done' }).click();
      page.once('dialog', (d) => void d.accept());
      await page.locator('tr[data-token="CI pipeline"]').getByRole('button', { name: /Revoke/ }).click();
      await page.locator('tr[data-token="CI pipeline"]').getByText(/Revoked/).waitFor();
      expect((await h.service.api.get('/api/v1/directories', token)).status).toBe(401);
      expect(errors).toEqual([]);
    });
  });
}
