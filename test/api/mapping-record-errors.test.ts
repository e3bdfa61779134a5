/**
 * Per-record mapping errors over HTTP (issue 6, Bad input): records the mapping cannot turn into a
 * valid user — an invalid email, two directory users on one email (compared case-insensitively and
 * after Unicode NFC normalisation), an overlong or control-character value, a mapped field the record
 * lacks — each get an `error` entry in the sync log, and the rest of the run proceeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { startOktaEmulator, type OktaEmulatorHandle } from '../../emulators/okta/index.js';

const TOKEN = 'okta-mapping-token';

for (const engine of ENGINES) {
  describe(`per-record mapping errors on ${engine}`, () => {
    let svc: TestService;
    let emu: OktaEmulatorHandle;

    beforeAll(async () => {
      svc = await startTestService(engine);
      emu = await startOktaEmulator({ users: 40, groups: 2, seed: 21, token: TOKEN });
    });
    afterAll(async () => {
      await emu?.close();
      await svc?.close();
    });

    it('bad records are logged one by one; every other user is synced', async () => {
      const people = emu.state.people.filter((p) => p.state === 'active' && p.email);
      const [invalid, caseA, caseB, nfcA, nfcB, long, control] = people;
      emu.state.updatePerson(invalid!.key, { email: 'not-an-email' });
      emu.state.updatePerson(caseA!.key, { email: 'Same.Person@Example.com' });
      emu.state.updatePerson(caseB!.key, { email: 'same.person@example.COM' });
      emu.state.updatePerson(nfcA!.key, { email: 'jose\u0301@example.com' }); // e + combining acute
      emu.state.updatePerson(nfcB!.key, { email: 'jos\u00e9@example.com' }); // precomposed é
      emu.state.updatePerson(long!.key, { familyName: 'x'.repeat(5000) });
      emu.state.updatePerson(control!.key, { title: 'Engineer\u0007' });

      const d = await svc.api.post('/api/v1/directories', {
        name: 'Messy Okta', provider: 'okta', credentials: { orgUrl: emu.url, apiToken: TOKEN },
        settings: { attributeMapping: { 'attributes.title': 'profile.title', 'attributes.costCenter': 'profile.costCenter' } },
      });
      expect(d.status).toBe(201);
      const run = await svc.api.sync(d.body.id);
      expect(run.status).toBe('succeeded');

      const errors = await svc.api.all<{ kind: string; subject: string; message: string; details: Record<string, unknown> | null }>(`/api/v1/sync-runs/${run.id}/log?kind=error`);
      const about = (needle: RegExp) => errors.filter((e) => needle.test(`${e.subject} ${e.message}`));
      expect(about(/not-an-email/)).toHaveLength(1);
      expect(about(/not-an-email/)[0]!.message).toMatch(/not valid/);
      expect(about(/same\.person@example\.com/i), JSON.stringify(errors)).toHaveLength(1);
      expect(about(/same\.person@example\.com/i)[0]!.message).toMatch(/Two directory users map to the email/);
      expect(about(/jos(e\u0301|\u00e9)@example\.com/), JSON.stringify(errors)).toHaveLength(1);
      expect(about(/familyName is 5000 characters long; at most 1024/)).toHaveLength(1);
      expect(about(/attributes\.title contains control characters/)).toHaveLength(1);
      for (const e of errors) expect(e.details?.hint ?? e.message).toBeTruthy();
      expect(errors).toHaveLength(5);
      expect(run.counts.errors).toBe(5);

      // the rest of the run went through: every other user exists, the missing costCenter is simply empty
      const users = await svc.api.all<{ email: string | null; externalId: string; attributes: Record<string, string | null> }>(`/api/v1/users?directoryId=${d.body.id}`);
      // no filter: every person the emulator serves is synced (disabled ones as deactivated), except the 5
      expect(users.length).toBe(emu.state.people.length - 5);
      const byExt = new Map(users.map((u) => [u.externalId, u]));
      expect(byExt.has(emu.idOfPerson(invalid!.key))).toBe(false);
      expect(byExt.has(emu.idOfPerson(long!.key))).toBe(false);
      expect([caseA, caseB].filter((p) => byExt.has(emu.idOfPerson(p!.key)))).toHaveLength(1);
      expect([nfcA, nfcB].filter((p) => byExt.has(emu.idOfPerson(p!.key)))).toHaveLength(1);
      const someone = byExt.get(emu.idOfPerson(people[10]!.key))!;
      expect(someone.attributes.title).toBe(people[10]!.title);
      expect(someone.attributes.costCenter ?? null).toBeNull();

      // the lookup by email is case- and normalisation-insensitive
      const found = await svc.api.all(`/api/v1/users?email=${encodeURIComponent('JOS\u00c9@EXAMPLE.COM')}`);
      expect(found).toHaveLength(1);
    });
  });
}
