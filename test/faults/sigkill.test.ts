/**
 * SIGKILL of the real service process while it applies a big run, then a restart and a rerun
 * (DESIGN invariants 1 and 3). Per round: a change at the source; a clean sync of it in a
 * reference tenant (which also says how long its apply takes); then tenant A's sync, killed with
 * SIGKILL at a random moment inside its apply (seen from outside: support/apply-probe.ts). Right after the kill
 * A's state must be exactly the state before the run or exactly the clean state; after a restart
 * (the dead worker's lease is expired by hand rather than waited for) the same run is taken over
 * and must end equal to the clean state — no duplicate users, groups or grants. Compared by
 * external ids, emails and grant tuples (ids are generated).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase } from '../support/databases.js';
import { oktaAdapter, type StartedEmulator } from '../support/provider-adapters.js';
import { createApiClient, type ApiClient } from '../support/api-client.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createApiTokenRepository, createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { naturalDiff, naturalState, type NaturalState } from './support/db-snapshot.js';
import { spawnService, type ServiceProcess } from './support/service-process.js';
import { createFaultTable } from './support/fault-table.js';
import { waitForApply } from './support/apply-probe.js';

const USERS = 2000;
const table = createFaultTable('sigkill');
afterAll(() => table.flush());

const same = (a: NaturalState, b: NaturalState) => Object.keys(naturalDiff(a, b)).length === 0;

for (const engine of ENGINES) {
  describe.concurrent(`SIGKILL during apply on ${engine}`, () => {
    let emu: StartedEmulator | undefined;
    let proc: ServiceProcess | undefined;
    let store: Store | undefined;
    let drop: (() => Promise<void>) | undefined;

    afterAll(async () => {
      if (proc) await proc.kill();
      await store?.close();
      await emu?.emulator.close();
      await drop?.();
    });

    it(`converges after kill -9 at random points of the apply (${USERS} users, 3 rounds)`, async () => {
      emu = await oktaAdapter.start({ users: USERS, groups: 14, seed: 11 });
      const db = await createTestDatabase(engine);
      drop = db.drop;
      const token = `kill-${randomBytes(8).toString('hex')}`;
      const env = {
        ACCESSIQ_DATA_DIR: db.dataDir, ACCESSIQ_ADMIN_TOKEN: token, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1',
        ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'), ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
      };
      proc = await spawnService(env);
      store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      const api = (): ApiClient => createApiClient(proc!.url, token);
      const tenantA = (await createTenantRepository(store.db).findByName('default'))!.id;
      const ref = await createTenantRepository(store.db).create('reference');
      const refApi = () => createApiClient(proc!.url, refToken);
      const refToken = (await createApiTokenRepository(store.db).create(ref.tenantId, 'reference')).token;

      const addDirectory = async (client: ApiClient) => {
        const d = await client.post('/api/v1/directories', { name: 'Okta', provider: 'okta', credentials: emu!.credentials });
        expect(d.status, JSON.stringify(d.body)).toBe(201);
        const p = await client.patch(`/api/v1/directories/${d.body.id}`, { settings: { safeguards: { maxDeactivationPercent: 100, maxDeactivationCount: 1_000_000 } } });
        expect(p.status).toBe(200);
        return d.body.id as string;
      };
      const dirA = await addDirectory(api());
      const dirB = await addDirectory(refApi());
      const state = emu.emulator.state;

      const rounds: Array<{ name: string; change(): void }> = [
        { name: `first sync (${USERS} users)`, change: () => undefined },
        {
          name: '1000 users renamed, 200 added',
          change: () => {
            for (const p of state.people.slice(0, 1000)) state.updatePerson(p.key, { familyName: `${p.familyName}-k` });
            for (let i = 0; i < 200; i++) state.addPerson({ givenName: 'Kill', familyName: `Added ${i}`, email: `kill.added${i}@example.test`, state: 'active' });
          },
        },
        {
          name: '700 renamed, 200 disabled',
          change: () => {
            for (const p of state.people.slice(1000, 1700)) state.updatePerson(p.key, { givenName: `${p.givenName}-k` });
            for (const p of state.people.slice(1700, 1900)) state.setState(p.key, 'suspended');
          },
        },
      ];

      for (const round of rounds) {
        round.change();
        // the clean run: the expected state, and where its time goes
        const clean = await refApi().sync(dirB, { full: true }, 120_000);
        expect(clean.status, JSON.stringify(clean.error)).toBe('succeeded');
        const expected = await naturalState(store.db, ref.tenantId, dirB);
        const { readMs = 0, loadMs = 0, planMs = 0, logMs = 0, applyMs = 0 } = clean.counts as Record<string, number | undefined>;
        const delay = Math.round(Math.random() * applyMs * 0.8);

        const before = await naturalState(store.db, tenantA, dirA);
        const started = await api().post(`/api/v1/directories/${dirA}/sync`, { full: true });
        expect(started.status).toBe(202);
        // aim inside the apply: wait until its transaction is seen, then a random part of its length
        const inApply = await waitForApply({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
        await new Promise((r) => setTimeout(r, delay));
        await proc.kill();
        const atKill = await naturalState(store.db, tenantA, dirA);
        const runAtKill = await store.db.selectFrom('sync_runs').select(['status']).where('id', '=', started.body.id).executeTakeFirstOrThrow();
        const landed = same(atKill, before) ? 'before the commit: state = before' : same(atKill, expected) ? 'after the commit: state = new' : 'IN BETWEEN';

        // restart; the dead worker's lease would run out after 60 s: expire it now instead
        proc = await spawnService(env);
        await store.db.updateTable('sync_runs').set({ lease_expires_at: '1970-01-01T00:00:00.000Z' }).where('status', '=', 'running').execute();
        const rerun = await api().waitForRun(started.body.id, 120_000);
        const after = await naturalState(store.db, tenantA, dirA);
        const diff = naturalDiff(after, expected);
        const converged = Object.keys(diff).length === 0;
        table.add({
          provider: 'okta', engine, fault: `SIGKILL during apply: ${round.name}`, outcome: `killed (${runAtKill.status}) → rerun ${rerun.status}`,
          state: `${landed === 'IN BETWEEN' ? 'VIOLATION: in between at the kill' : 'atomic'}; after rerun ${converged ? '= clean sync' : 'VIOLATION'}`,
          note: `kill ${inApply ? `${delay} ms into the apply` : 'after the apply was missed'} (clean run: read ${readMs} + plan ${loadMs + planMs + logMs} + apply ${applyMs} ms): ${landed}`,
        });
        expect(landed).not.toBe('IN BETWEEN');
        expect(rerun.status, JSON.stringify(rerun.error)).toBe('succeeded');
        expect(diff).toEqual({});
      }
    }, 300_000);
  });
}
