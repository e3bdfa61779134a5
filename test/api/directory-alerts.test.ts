/**
 * Failing-directory alert: after 3 consecutive failed syncs, a `directory_unhealthy` warn line and a
 * signed webhook POST (retried after a 500), once per failing streak; a success starts a new streak.
 */
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startService } from '../../src/service.js';
import { loadConfig } from '../../src/config.js';
import { createApiClient, type ApiClient } from '../support/api-client.js';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../emulators/okta/index.js';

const WEBHOOK_SECRET = 'whsec-test-5e1f';
const OKTA_TOKEN = 'okta-alert-token-2b7c';

interface Received { headers: http.IncomingHttpHeaders; body: string; answered: number }

for (const engine of ENGINES) {
  describe(`directory alerts on ${engine}`, () => {
    let db: TestDatabase;
    let emu: OktaEmulatorHandle;
    let receiver: http.Server;
    let svc: Awaited<ReturnType<typeof startService>>;
    let api: ApiClient;
    const received: Received[] = [];
    const answers: number[] = [500]; // first delivery refused with a 500, then 204
    const logLines: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      db = await createTestDatabase(engine);
      emu = await startOktaEmulator({ users: 8, groups: 1, seed: 4, token: OKTA_TOKEN });
      receiver = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          const status = answers.shift() ?? 204;
          received.push({ headers: req.headers, body, answered: status });
          res.writeHead(status).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const port = (receiver.address() as { port: number }).port;
      const adminToken = `test-${randomBytes(8).toString('hex')}`;
      const logStream = new Writable({ write(chunk: Buffer, _e, cb) { for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>); cb(); } });
      svc = await startService(loadConfig({
        PORT: '0', ACCESSIQ_DATA_DIR: db.dataDir, ACCESSIQ_ADMIN_TOKEN: adminToken, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1', ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'),
        ACCESSIQ_ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/accessiq`, ACCESSIQ_ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
        ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
      }), { logger: pino({ level: 'warn' }, logStream), scheduler: false, workerPollMs: 50, connectorContext: { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 } } });
      api = createApiClient(svc.url, adminToken);
    });
    afterAll(async () => {
      await svc?.close();
      await emu?.close();
      await new Promise((r) => receiver?.close(r));
      await db?.drop();
    });

    async function until(check: () => boolean, what: string) {
      const deadline = Date.now() + 15_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    it('alerts once on the third failure in a row: log line and a signed, retried webhook', async () => {
      const d = await api.post('/api/v1/directories', { name: 'Flaky Okta', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: 'wrong-token' } });
      const dirId: string = d.body.id;
      for (let i = 1; i <= 2; i++) expect((await api.sync(dirId)).status).toBe('failed');
      expect(logLines.filter((l) => l.msg === 'directory_unhealthy')).toHaveLength(0);
      const third = await api.sync(dirId);
      expect(third.status).toBe('failed');

      await until(() => received.length >= 2, 'the retried webhook');
      expect(received.map((r) => r.answered)).toEqual([500, 204]);
      const [first, second] = received;
      expect(second!.body).toBe(first!.body);
      const alert = JSON.parse(second!.body) as Record<string, unknown>;
      expect(alert).toEqual({
        event: 'directory.unhealthy', tenantId: expect.any(String), directoryId: dirId, name: 'Flaky Okta', consecutiveFailures: 3,
        lastError: { code: third.error.code, message: third.error.message },
      });
      for (const r of received) {
        expect(r.headers['content-type']).toBe('application/json');
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['x-accessiq-signature']));
        expect(m).not.toBeNull();
        expect(Math.abs(Number(m![1]) - Date.now() / 1000)).toBeLessThan(60);
        expect(m![2]).toBe(createHmac('sha256', WEBHOOK_SECRET).update(`${m![1]}.${r.body}`).digest('hex'));
      }
      expect(JSON.stringify(received)).not.toContain('wrong-token');

      const lines = logLines.filter((l) => l.msg === 'directory_unhealthy');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 40, event: 'directory_unhealthy', directoryId: dirId, name: 'Flaky Okta', consecutiveFailures: 3, lastError: { code: third.error.code } });

      // a fourth failure is the same streak: no new alert
      expect((await api.sync(dirId)).status).toBe('failed');
      expect(logLines.filter((l) => l.msg === 'directory_unhealthy')).toHaveLength(1);

      // fixed, it succeeds and the count resets; three new failures alert again
      await api.patch(`/api/v1/directories/${dirId}`, { credentials: { orgUrl: emu.url, apiToken: OKTA_TOKEN } });
      expect((await api.sync(dirId)).status).toBe('succeeded');
      await api.patch(`/api/v1/directories/${dirId}`, { credentials: { orgUrl: emu.url, apiToken: 'wrong-again' } });
      for (let i = 1; i <= 3; i++) expect((await api.sync(dirId)).status).toBe('failed');
      await until(() => received.length >= 3, 'the second alert');
      expect(logLines.filter((l) => l.msg === 'directory_unhealthy')).toHaveLength(2);
    });

    it('dry runs never count toward the streak', async () => {
      const d = await api.post('/api/v1/directories', { name: 'Dry', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: 'wrong-token' } });
      const before = logLines.filter((l) => l.msg === 'directory_unhealthy').length;
      for (let i = 1; i <= 3; i++) expect((await api.sync(d.body.id, { dryRun: true })).status).toBe('failed');
      expect(logLines.filter((l) => l.msg === 'directory_unhealthy')).toHaveLength(before);
    });
  });
}
