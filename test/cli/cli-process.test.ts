/**
 * The CLI as a process: how it reports errors (stderr, exit code, no secrets) and how the
 * emulator command starts and stops. Error reporting does not depend on the store, so this file
 * runs one service on the embedded SQLite store; cli.test.ts covers every database.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { cliEnv, runCli, spawnCli } from './run-cli.js';

describe('accessiq CLI errors', () => {
  let database: TestDatabase;
  let service: Awaited<ReturnType<typeof startService>>;
  let token = '';

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    service = await startService(loadConfig({ ACCESSIQ_DATA_DIR: database.dataDir, PORT: '0', LOG_LEVEL: 'silent', ACCESSIQ_ADMIN_TOKEN: (token = `adm-${randomBytes(8).toString('hex')}`) }), { workerPollMs: 50 });
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  it('a bad token gives a clear error on stderr and exit 1, without echoing the token', async () => {
    const bad = `bad-${randomBytes(6).toString('hex')}`;
    const r = await runCli(['directory', 'list', '--token', bad], cliEnv({ ACCESSIQ_URL: service.url }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: .*token/i);
    expect(r.stderr).toContain('The token came from --token');
    expect(r.stderr).not.toContain(bad);
  });

  it('an API validation error names the field; the secret given is not echoed', async () => {
    const r = await runCli(
      ['directory', 'add', '--name', 'x', '--provider', 'okta', '--org-url', 'not a url', '--api-token', 'secret-value'],
      cliEnv({ ACCESSIQ_URL: service.url, ACCESSIQ_TOKEN: token }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: credentials\.orgUrl: .*https:\/\//);
    expect(r.stderr + r.stdout).not.toContain('secret-value');
  });

  it('no token at all, and an unreachable service, say what to do', async () => {
    const [noToken, down] = await Promise.all([
      runCli(['users'], cliEnv({ ACCESSIQ_URL: service.url })),
      // port 9 (discard) on loopback: nothing listens there in the test environment
      runCli(['users', '--url', 'http://127.0.0.1:9', '--token', 'x'], cliEnv({})),
    ]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/^Error: No API token: pass --token or set ACCESSIQ_TOKEN\.\nHint: .*tenant create/);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^Error: Cannot reach the AccessIQ service at http:\/\/127\.0\.0\.1:9 /);
  });

  it('an unknown directory is a 404 turned into a hint', async () => {
    const r = await runCli(['sync', 'no-such-directory'], cliEnv({ ACCESSIQ_URL: service.url, ACCESSIQ_TOKEN: token }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: No directory with id or name "no-such-directory".');
  });
});

describe('accessiq emulator okta', () => {
  it('prints its URL once listening, serves the API with the token, and exits 0 on SIGTERM', async () => {
    const child = spawnCli(['emulator', 'okta', '--port', '0', '--users', '12', '--groups', '3', '--seed', '5', '--token', 'T0k'], cliEnv({}));
    let stdout = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (b: Buffer) => {
        stdout += b.toString('utf8');
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`emulator exited (${code}) before it was ready`)));
    });
    const m = /^Okta emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(12 users, 3 groups\)$/.exec(line);
    expect(m, line).not.toBeNull();
    const res = await fetch(`${m![1]}/api/v1/users?limit=200`, { headers: { authorization: 'SSWS T0k' } });
    expect(res.status).toBe(200);
    const users: unknown = await res.json();
    expect(Array.isArray(users) && users.length).toBeGreaterThan(0);
    expect((await fetch(`${m![1]}/api/v1/users`, { headers: { authorization: 'SSWS wrong' } })).status).toBe(401);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
