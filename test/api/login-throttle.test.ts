/** Console sign-in is rate-limited per (email, client address): 5 failures, then 429 with Retry-After — even for the right password. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.js';
import { hashPassword } from '../../src/api/console/passwords.js';

const PASSWORD = 'a long enough password 42';

describe('login throttle', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite');
    const tenantId = (await svc.ctx.repos.tokens.findActive(svc.adminToken))!.tenant_id;
    for (const email of ['victim@example.com', 'bystander@example.com']) await svc.console.admins.create(tenantId, email, await hashPassword(PASSWORD));
  });
  afterAll(async () => svc?.close());

  const signIn = (email: string, password: string) => fetch(`${svc.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  it('refuses further attempts after 5 failures, whatever the password, and names the wait', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('victim@example.com', `guess-${i}`)).status).toBe(401);
    for (const password of ['guess-6', PASSWORD]) {
      const res = await signIn('Victim@Example.com', password); // same account, other case
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('rate_limited');
      expect(body.error.message).toMatch(/Too many failed sign-ins.*minute/);
    }
    // another account from the same address is not locked out
    expect((await signIn('bystander@example.com', PASSWORD)).status).toBe(200);
    // the throttled attempts were not audited as sign-ins
    const signIns = await svc.api.all<{ details: { email: string } }>('/api/v1/audit-log?action=session.signed_in');
    expect(signIns.map((e) => e.details.email)).toEqual(['bystander@example.com']);
  });
});
