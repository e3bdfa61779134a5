/**
 * `accessiq demo`: the product with a sample company, no setup. Starts the Okta, Entra ID and
 * Google Workspace emulators and the service (SQLite in ./data/demo), adds the emulated Okta org as
 * a directory, and prints how to sign in and what to paste into Add Directory for the other two.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { intOption, portOption } from '../options.js';
import { print } from '../api-options.js';
import { runUntilStopped } from '../signals.js';

interface DemoOptions {
  port: number;
  users: number;
  groups: number;
}

export function registerDemoCommand(program: Command) {
  program
    .command('demo')
    .description('run the service with emulated Okta, Entra ID and Google Workspace directories holding a sample company')
    .option('--port <port>', 'port of the service', portOption, 3000)
    .option('--users <n>', 'people in the sample company', intOption(1, 200_000), 2000)
    .option('--groups <n>', 'groups in the sample company', intOption(1, 20_000), 40)
    .action(async (o: DemoOptions) => {
      const [{ startOktaEmulator }, { startEntraEmulator }, { startGoogleEmulator }, { loadConfig }, { startService }] = await Promise.all([
        import('../../../emulators/okta/index.js'), import('../../../emulators/entra/index.js'), import('../../../emulators/google/index.js'),
        import('../../config.js'), import('../../service.js'),
      ]);
      const company = { users: o.users, groups: o.groups, seed: 1 };
      // fixed ports: the directories added in an earlier demo keep working after a restart
      const okta = await startOktaEmulator({ ...company, port: o.port + 1010, token: 'demo-okta-token' });
      const entra = await startEntraEmulator({ ...company, port: o.port + 1011, clientSecret: 'demo-entra-secret' });
      const dataDir = path.resolve(process.env.ACCESSIQ_DATA_DIR ?? './data/demo');
      fs.mkdirSync(dataDir, { recursive: true });
      const google = await startGoogleEmulator({ ...company, port: o.port + 1012, keyFile: path.join(dataDir, 'google-service-account.json') });
      const env = {
        ...process.env, PORT: String(o.port), ACCESSIQ_DATA_DIR: dataDir, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1',
        ACCESSIQ_ADMIN_TOKEN: process.env.ACCESSIQ_ADMIN_TOKEN ?? 'demo-admin-token',
        ACCESSIQ_ADMIN_EMAIL: process.env.ACCESSIQ_ADMIN_EMAIL ?? 'admin@demo.test',
        ACCESSIQ_ADMIN_PASSWORD: process.env.ACCESSIQ_ADMIN_PASSWORD ?? 'demo-password',
      };
      const service = await startService(loadConfig(env));
      const token = env.ACCESSIQ_ADMIN_TOKEN;
      const api = (p: string, body?: unknown) => fetch(service.url + p, {
        method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json() as Promise<{ data?: Array<{ name: string }> }>);
      const existing = await api('/api/v1/directories');
      if (!existing.data?.some((d) => d.name === 'Demo Okta')) {
        await api('/api/v1/directories', { name: 'Demo Okta', provider: 'okta', credentials: { orgUrl: okta.url, apiToken: 'demo-okta-token' } });
      }
      print([
        `AccessIQ Directory Sync demo on ${service.url}`,
        `  console: sign in as ${env.ACCESSIQ_ADMIN_EMAIL} / ${env.ACCESSIQ_ADMIN_PASSWORD}; "Demo Okta" is added — press Sync Now`,
        `  CLI:     ACCESSIQ_TOKEN=${token} npm run cli -- sync "Demo Okta"`,
        '',
        'Add the other two under Identity > Directory Sync > Add Directory:',
        `  Okta             org URL ${okta.url}   API token demo-okta-token`,
        `  Entra ID         tenant ${entra.tenantId}   client ${entra.clientId}   secret demo-entra-secret   endpoints: login ${entra.url}, graph ${entra.url}`,
        `  Google Workspace service account key ${path.join(dataDir, 'google-service-account.json')}   admin ${google.adminEmail}   endpoint ${google.url}`,
      ].join('\n'));
      await runUntilStopped(async () => {
        await service.close();
        await Promise.all([okta.close(), entra.close(), google.close()]);
      });
    });
}
