/**
 * End to end, in a real browser: sign in, Add Directory through the four steps against the Okta
 * emulator, run the first sync, review the results, enable the schedule, and check the dashboard
 * figures against the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { OKTA_TOKEN, newPage, screenshot, signIn, startConsoleHarness, type ConsoleHarness } from './support/console-harness.js';

for (const engine of ENGINES) {
  describe(`console wizard (${engine})`, () => {
    let h: ConsoleHarness;
    beforeAll(async () => { h = await startConsoleHarness(engine); });
    afterAll(async () => { await h?.close(); });

    it('adds an Okta directory through the four steps, syncs, enables the schedule, and the dashboard matches the API', async () => {
      const { page, errors } = await newPage(h);
      await page.goto('/');
      await screenshot(page, `${engine}-01-sign-in`);
      await signIn(page);
      await page.getByRole('heading', { level: 1, name: 'Directory Sync' }).waitFor();
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory Sync' }).getAttribute('aria-current')).resolves.toBe('page');
      await screenshot(page, `${engine}-02-directory-sync-empty`);

      // Step 1: connect
      await page.getByRole('link', { name: 'Add Directory' }).first().click();
      await page.getByRole('radio', { name: 'Okta' }).check();
      await page.getByLabel('Directory name').fill('Acme Okta');
      await page.getByLabel('Okta org URL').fill(h.okta.url);
      await page.getByLabel('API token').fill(OKTA_TOKEN);
      await page.getByRole('button', { name: 'Test connection' }).click();
      const result = page.getByTestId('test-result');
      await result.waitFor();
      expect(await result.textContent()).toContain('Connection works');
      await screenshot(page, `${engine}-03-wizard-connect`);
      await page.getByRole('button', { name: 'Continue' }).click();

      // Step 2: settings — filter by two groups, keep the default mapping (preview shows a sample), default role Member
      await page.getByRole('heading', { name: 'Step 2: Configure sync settings' }).waitFor();
      const all = await h.service.api.all<{ id: string; name: string; type: string | null }>(`/api/v1/directories/${directoryIdFrom(page.url())}/source-groups`);
      const sources = all.filter((g) => g.type !== 'BUILT_IN'); // Okta's "Everyone" holds every user
      expect(sources.length).toBe(12);
      const picker = page.getByTestId('group-picker');
      await picker.getByRole('checkbox', { name: sources[0]!.name, exact: true }).check();
      await picker.getByRole('checkbox', { name: sources[1]!.name, exact: true }).check();
      await page.getByRole('combobox', { name: 'Sync frequency', exact: true }).selectOption('15m');
      const firstSample = page.locator('tr[data-target="email"] [data-testid="sample-value"]');
      await expect.poll(async () => firstSample.textContent()).toMatch(/@/);
      await screenshot(page, `${engine}-04-wizard-settings`);
      await page.getByRole('button', { name: 'Save and continue' }).click();

      // Step 3: map the first filter group to a new organization as Admin
      await page.getByRole('heading', { name: 'Step 3: Map groups' }).waitFor();
      await page.getByRole('button', { name: 'Add Mapping' }).click();
      await page.getByRole('combobox', { name: 'Source group', exact: true }).selectOption({ label: sources[0]!.name });
      await page.getByRole('combobox', { name: 'Organization', exact: true }).selectOption({ label: 'New organization…' });
      await page.getByLabel('New organization name').fill('Engineering');
      await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption({ label: 'Admin' });
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByTestId('mapping-row').first().waitFor();
      expect(await page.getByTestId('mapping-row').count()).toBe(1);
      await screenshot(page, `${engine}-05-wizard-map-groups`);
      await page.getByRole('link', { name: 'Continue' }).click();

      // Step 4: Sync Now, progress, results, sync log, Enable automatic sync
      await page.getByRole('button', { name: 'Sync Now' }).click();
      await page.getByTestId('run-results').waitFor({ timeout: 60_000 });
      const directoryId = directoryIdFrom(page.url());
      const runs = (await h.service.api.get(`/api/v1/directories/${directoryId}/runs`)).body.data;
      expect(runs).toHaveLength(1);
      const run = runs[0];
      expect(run.status).toBe('succeeded');
      expect(run.counts.usersCreated).toBeGreaterThan(0);
      const shown = async (key: string) => Number((await page.locator(`[data-testid="run-results"] tr[data-count="${key}"] td`).textContent())!.replace(/\D/g, ''));
      expect(await shown('created')).toBe(run.counts.usersCreated);
      expect(await shown('groups')).toBe(run.counts.groupsProcessed);
      expect(await shown('grants')).toBe(run.counts.grantsAdded);
      expect(await shown('errors')).toBe(run.counts.errors);
      await page.getByTestId('sync-log').locator('tr[data-kind="user.created"]').first().waitFor();
      await screenshot(page, `${engine}-06-wizard-initial-sync-results`);
      await page.getByRole('button', { name: 'Enable automatic sync' }).click();
      await page.getByTestId('schedule-on').waitFor();
      const saved = (await h.service.api.get(`/api/v1/directories/${directoryId}`)).body;
      expect(saved.settings.schedule).toMatchObject({ enabled: true, frequency: '15m' });
      expect(saved.settings.userFilter.groups).toEqual([sources[0]!.id, sources[1]!.id]);
      expect(saved.nextSyncAt).not.toBeNull();

      // the users in scope are exactly the members of the two groups; the mapping granted Admin in Engineering
      const users = await h.service.api.all<{ id: string }>(`/api/v1/users?directoryId=${directoryId}`);
      expect(users.length).toBe(run.counts.usersCreated);

      // Dashboard: figures equal the API's run record
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory Sync' }).click();
      const figures = page.getByTestId('dashboard-figures');
      await figures.waitFor();
      const fig = async (sel: string) => Number((await figures.locator(sel).textContent())!.replace(/\D/g, ''));
      expect(await fig('[data-count="created"]')).toBe(run.counts.usersCreated);
      expect(await fig('[data-count="updated"]')).toBe(run.counts.usersUpdated);
      expect(await fig('[data-count="deactivated"]')).toBe(run.counts.usersDeactivated);
      expect(await fig('[data-figure="groups"] .figure-value')).toBe(run.counts.groupsProcessed);
      expect(await fig('[data-figure="errors"] .figure-value')).toBe(run.counts.errors);
      const lastSync = await figures.locator('[data-figure="last-sync"] .figure-value').textContent();
      expect(lastSync).not.toBe('Never');
      expect(await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)), run.finishedAt)).toBe(lastSync);
      const row = page.locator(`[data-testid="directory-list"] tr[data-directory="${directoryId}"]`);
      expect(await row.textContent()).toContain('Okta');
      expect(await row.textContent()).toContain('Healthy');
      expect(await row.textContent()).not.toContain('Automatic sync off');
      expect(await page.getByTestId('run-chart').locator('rect.bar-users').count()).toBe(1);
      await screenshot(page, `${engine}-07-directory-sync-dashboard`);

      // the other screens show the sync's result
      await page.getByRole('link', { name: 'Acme Okta' }).click();
      await page.getByRole('heading', { level: 1, name: 'Acme Okta' }).waitFor();
      await screenshot(page, `${engine}-08-directory-detail`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
      await page.getByTestId('user-list').locator('tbody tr').first().waitFor();
      // the source directory's name appears once the directory list has loaded
      await page.getByTestId('user-list').getByText('Acme Okta').first().waitFor();
      expect(await page.getByTestId('user-list').textContent()).not.toContain('dir_');
      await screenshot(page, `${engine}-09-users`);
      await page.getByTestId('user-list').locator('tbody tr a').first().click();
      await page.getByTestId('user-grants').waitFor();
      expect(await page.getByTestId('user-grants').textContent()).toContain('Default role');
      await screenshot(page, `${engine}-10-user-detail`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
      await page.getByRole('link', { name: 'Engineering' }).click();
      await page.getByTestId('member-list').locator('tbody tr').first().waitFor();
      expect(await page.getByTestId('member-list').textContent()).toContain('Group mapping');
      await screenshot(page, `${engine}-11-organization`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
      await page.getByTestId('role-list').getByRole('cell', { name: 'member', exact: true }).waitFor();
      await screenshot(page, `${engine}-12-roles`);

      // narrow width: navigation still reachable, no horizontal page scroll
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory Sync' }).click();
      await page.getByTestId('dashboard-figures').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await screenshot(page, `${engine}-13-directory-sync-narrow`);
      expect(errors).toEqual([]);
    });
  });
}

function directoryIdFrom(url: string): string {
  const m = /directory-sync\/new\/([^/]+)\//.exec(decodeURIComponent(url)) ?? /directory-sync\/([^/?]+)/.exec(decodeURIComponent(url));
  if (!m) throw new Error(`no directory id in ${url}`);
  return m[1]!;
}
