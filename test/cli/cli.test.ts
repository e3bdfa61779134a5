/**
 * The CLI end to end: the real `accessiq` process against the real service (started here, on each
 * database) and a real Okta emulator. `tenant create` works on the database directly, the other
 * commands over the REST API.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../emulators/okta/index.js';
import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { cliEnv, runCli } from './run-cli.js';

const USERS = 40;
const OKTA_TOKEN = `okta-${randomBytes(8).toString('hex')}`;

describe.each(ENGINES)('accessiq CLI (%s)', (engine) => {
  let database: TestDatabase;
  let service: Awaited<ReturnType<typeof startService>>;
  let okta: OktaEmulatorHandle;
  let storeEnv: Record<string, string | undefined>;
  let token = '';

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storeEnv = {
      ACCESSIQ_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl,
      ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'),
      ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1',
    };
    service = await startService(loadConfig({ ...storeEnv, PORT: '0', LOG_LEVEL: 'silent' }), { workerPollMs: 50 });
    okta = await startOktaEmulator({ users: USERS, groups: 5, seed: 7, token: OKTA_TOKEN });
  });

  afterAll(async () => {
    await okta?.close();
    await service?.close();
    await database?.drop();
  });

  it('tenant create --json prints one line of JSON with a working token', async () => {
    const r = await runCli(['tenant', 'create', 'Acme CLI', '--json'], cliEnv(storeEnv));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const created = z.object({ tenantId: z.string().min(1), token: z.string().min(1) }).strict().parse(JSON.parse(lines[0]!));
    token = created.token;
    const res = await fetch(`${service.url}/api/v1/directories`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it('directory add + sync prints the summary with the created count; a resync changes nothing', async () => {
    const env = cliEnv({ ACCESSIQ_URL: service.url, ACCESSIQ_TOKEN: token });
    const add = await runCli(['directory', 'add', '--name', 'CLI Okta', '--provider', 'okta', '--org-url', okta.url, '--api-token', OKTA_TOKEN, '--json'], env);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const directory = z.looseObject({ id: z.string(), name: z.literal('CLI Okta'), provider: z.literal('okta') }).parse(JSON.parse(add.stdout));
    expect(add.stdout).not.toContain(OKTA_TOKEN);

    // by name, as an admin would type it
    const sync = await runCli(['sync', 'cli okta'], env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Sync of CLI Okta succeeded/);
    expect(sync.stdout).toMatch(new RegExp(`^Users created\\s+${USERS}$`, 'm'));
    expect(sync.stdout).toMatch(/^Users deactivated\s+0$/m);
    expect(sync.stdout).toMatch(/^Errors\s+0$/m);
    // the table agrees with the API's record of the run
    const res = await fetch(`${service.url}/api/v1/directories/${directory.id}/runs`, { headers: { authorization: `Bearer ${token}` } });
    const runs = z.object({ data: z.array(z.looseObject({ counts: z.looseObject({ usersCreated: z.number() }) })) }).parse(await res.json());
    expect(runs.data[0]?.counts.usersCreated).toBe(USERS);

    const again = await runCli(['sync', 'CLI Okta', '--dry-run', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const out: unknown = JSON.parse(again.stdout);
    expect(out).toMatchObject({ run: { status: 'succeeded', dryRun: true, counts: { usersCreated: 0, usersUnchanged: USERS } }, errors: [] });
  });
});
