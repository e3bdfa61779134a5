/** Security headers on the API (answers and errors) and on the console, whose own CSP stays in force; refusals before routing keep the API's error shape. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.js';
import { startService } from '../../src/service.js';

const COMMON = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': expect.stringMatching(/^(DENY|SAMEORIGIN)$/),
  'referrer-policy': 'no-referrer',
  'strict-transport-security': expect.stringMatching(/max-age=\d+/),
  'cross-origin-opener-policy': 'same-origin',
};

describe('security headers', () => {
  let svc: TestService;
  let consoleDir: string;
  let withConsole: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    svc = await startTestService('sqlite');
    // a built console (two files) so the static route is served as in production
    consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiq-console-'));
    fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>AccessIQ</title><script type="module" src="/assets/app.js"></script>');
    fs.mkdirSync(path.join(consoleDir, 'assets'));
    fs.writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'console.log(1)');
    withConsole = await startService({ ...svc.config, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'aiq-hdr-')) }, { scheduler: false, worker: false, console: { staticDir: consoleDir } });
  });
  afterAll(async () => {
    await withConsole?.close();
    await svc?.close();
    fs.rmSync(consoleDir, { recursive: true, force: true });
  });

  const headersOf = (res: Response) => Object.fromEntries(res.headers.entries());

  it('API answers and API errors carry them, with a CSP that allows nothing', async () => {
    const ok = await fetch(`${svc.url}/api/v1/directories`, { headers: { authorization: `Bearer ${svc.adminToken}` } });
    const unauthorized = await fetch(`${svc.url}/api/v1/directories`);
    const missing = await fetch(`${svc.url}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${svc.adminToken}` } });
    for (const res of [ok, unauthorized, missing]) {
      const h = headersOf(res);
      expect(h, `${res.status}`).toMatchObject(COMMON);
      expect(h['content-security-policy']).toMatch(/default-src 'none'/);
      expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(h['x-powered-by']).toBeUndefined();
    }
    expect([ok.status, unauthorized.status, missing.status]).toEqual([200, 401, 404]);
  });

  it("the console keeps its own CSP (scripts and styles from 'self' only) and gets the rest", async () => {
    for (const p of ['/', '/assets/app.js']) {
      const res = await fetch(`${withConsole.url}${p}`);
      expect(res.status, p).toBe(200);
      const h = headersOf(res);
      expect(h, p).toMatchObject(COMMON);
      expect(h['content-security-policy']).toMatch(/script-src 'self'/);
      expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(h['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    }
  });

  it('requests refused before routing (headers over 16 KiB, malformed HTTP) get the API error shape', async () => {
    const huge = await fetch(`${svc.url}/api/v1/directories?q=${'x'.repeat(20_000)}`, { headers: { authorization: `Bearer ${svc.adminToken}` } });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await huge.json()).toEqual({ error: { code: 'headers_too_large', message: expect.stringContaining('shorten the URL') } });

    const { port } = new URL(svc.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => { text += d.toString(); });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
  });
});
