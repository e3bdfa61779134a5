/**
 * A sync thread that dies under a run (here: out of memory, on a heap far too small to load its
 * modules) leaves no run stuck in `running`: the run is recorded as failed, fenced by its lease,
 * and onFinished is told; a run that was being stopped is handed back as queued instead.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { createDirectoryRepository } from '../../src/store/repositories/directory-repository.js';
import { createRunRepository } from '../../src/store/repositories/run-repository.js';
import { directorySettingsGuard } from '../../src/domain/directory-settings.js';
import { createRunThread, type FinishedRun } from '../../src/sync/run-thread.js';

describe.each(ENGINES)('sync thread death (%s)', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  let tenantId: string;
  let directoryId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = await openStore({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
    ({ tenantId } = await createTenantRepository(store.db).create('Acme'));
    directoryId = (await createDirectoryRepository(store.db).create(tenantId, { name: 'one', provider: 'okta', credentialsEncrypted: 'x', settings: directorySettingsGuard.parse({}) })).id;
  });
  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  async function claimRun() {
    const runs = createRunRepository(store.db);
    await runs.enqueue(tenantId, directoryId, { trigger: 'manual', dryRun: false });
    const run = await runs.claimNext('wrk_test', 60_000, store.supportsSkipLocked);
    expect(run).toBeDefined();
    return run!;
  }

  function starvedThread(finished: FinishedRun[]) {
    return createRunThread({
      store, storeOptions: { databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir }, keys: { current: randomBytes(32), previous: [] },
      logger: pino({ level: 'silent' }), onFinished: (r) => { finished.push(r); }, maxHeapMb: 2,
    });
  }

  it('records the run as failed and tells onFinished', async () => {
    const run = await claimRun();
    const finished: FinishedRun[] = [];
    const thread = starvedThread(finished);
    await thread.execute(run, new AbortController().signal);
    await thread.close();
    const row = await store.db.selectFrom('sync_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', lease_owner: null });
    expect(JSON.parse(row.error!)).toMatchObject({ code: 'internal' });
    expect(finished).toEqual([{ id: run.id, tenantId, directoryId, status: 'failed', dryRun: false }]);
    const dir = await store.db.selectFrom('directories').select('consecutive_failures').where('id', '=', directoryId).executeTakeFirstOrThrow();
    expect(dir.consecutive_failures).toBe(1);
    const events = await store.db.selectFrom('sync_events').select('kind').where('run_id', '=', run.id).execute();
    expect(events.map((e) => e.kind)).toEqual(['error']);
  }, 60_000);

  it('hands a run that was being stopped back to the queue', async () => {
    const run = await claimRun();
    const finished: FinishedRun[] = [];
    const thread = starvedThread(finished);
    const stop = new AbortController();
    stop.abort();
    await thread.execute(run, stop.signal);
    await thread.close();
    const row = await store.db.selectFrom('sync_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'queued', lease_owner: null });
    expect(finished).toEqual([]);
  }, 60_000);
});
