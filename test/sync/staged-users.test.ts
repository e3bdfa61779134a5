/**
 * Staged user records (src/sync/staged-users.ts) on both engines: a page's wanted records are
 * staged, a record sent again replaces (or unstages) the one before, the apply copies exactly the
 * staged rows into the mirror and empties the stage, and a stage that disagrees with the plan fails
 * the apply with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { createDirectoryRepository } from '../../src/store/repositories/directory-repository.js';
import { createRunRepository } from '../../src/store/repositories/run-repository.js';
import { directorySettingsGuard } from '../../src/domain/directory-settings.js';
import { applyPlan } from '../../src/sync/applier.js';
import { createUserStage, dropStagedUsersOf } from '../../src/sync/staged-users.js';
import type { MirrorUser, Plan } from '../../src/sync/plan.js';

const user = (id: string, version: number): MirrorUser => ({
  externalId: id, enabled: version % 2 === 1, orgUnitPath: version > 1 ? `/v${version}` : null,
  raw: { id, version, name: `it's "${id}" Ä` }, hash: `${id}-h${version}`,
});
const planOf = (upserts: MirrorUser[]): Plan => ({ users: [], groups: [], memberships: [], grants: [], mirror: { upserts, deletes: [] }, errors: [], usersUnchanged: 0, groupsProcessed: 0 });
/** What the plan holds of a staged user: everything but its record. */
const letGo = (u: MirrorUser): MirrorUser => ({ ...u, raw: null });

describe.each(ENGINES)('staged user records (%s)', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  let tenantId: string;
  let directoryId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = await openStore({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
    ({ tenantId } = await createTenantRepository(store.db).create('Acme'));
    directoryId = (await createDirectoryRepository(store.db).create(tenantId, { name: 'dir', provider: 'okta', credentialsEncrypted: 'x', settings: directorySettingsGuard.parse({}) })).id;
  });
  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  const newRun = async (dryRun = false) => {
    const { run } = await createRunRepository(store.db).enqueue(tenantId, directoryId, { trigger: 'manual', dryRun });
    // one active run per directory: finish it so the next test can queue another
    await store.db.updateTable('sync_runs').set({ status: 'blocked' }).where('id', '=', run.id).execute();
    return run.id;
  };
  const stagedRows = async () => (await store.db.selectFrom('staged_directory_users').select(['run_id', 'external_id', 'raw', 'hash', 'enabled', 'org_unit_path']).execute())
    .map((r) => ({ runId: r.run_id, externalId: r.external_id, raw: JSON.parse(r.raw) as unknown, hash: r.hash, enabled: r.enabled === 1, orgUnitPath: r.org_unit_path }))
    .sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const mirror = async () => (await store.db.selectFrom('directory_users').select(['external_id', 'raw', 'hash', 'enabled', 'org_unit_path']).where('directory_id', '=', directoryId).execute())
    .map((r) => ({ externalId: r.external_id, raw: JSON.parse(r.raw) as unknown, hash: r.hash, enabled: r.enabled === 1, orgUnitPath: r.org_unit_path }))
    .sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const apply = (plan: Plan, runId: string) => applyPlan(store, plan, [], { tenantId, directoryId, runId, now: '2026-11-27T00:00:00.000Z', finalize: async () => undefined });

  it('stages the wanted records of each page, the later of a record sent twice, and the apply copies exactly them', async () => {
    const runId = await newRun();
    const stage = createUserStage(store, { tenantId, directoryId, runId, dryRun: false });
    // a page is written while the next is read: `written` says when its records may be let go
    const written: string[] = [];
    await stage.add([user('a', 1), user('b', 1), user('c', 1)], (u) => u.externalId !== 'c', () => written.push('page 1'));
    // a again (replaced), b again but no longer wanted (unstaged), c now wanted, d twice on one page
    await stage.add([user('a', 2), user('b', 2), user('c', 2), user('d', 1), user('d', 3)], (u) => u.externalId !== 'b', () => written.push('page 2'));
    expect(written).toEqual(['page 1']);
    await stage.flush();
    expect(written).toEqual(['page 1', 'page 2']);
    const expected = [user('a', 2), user('c', 2), user('d', 3)];
    expect(await stagedRows()).toEqual(expected.map((u) => ({ runId, ...u })));

    // the plan holds them without their records; a record it still holds is written as before
    const held = user('e', 1);
    const plan = planOf([...expected.map(letGo), held]);
    expect(await apply(plan, runId)).toBe(4);
    expect(await mirror()).toEqual([...expected, held]);
    expect(await stagedRows()).toEqual([]);

    // the upsert path: a staged record replaces the mirror's row
    const runId2 = await newRun();
    const again = createUserStage(store, { tenantId, directoryId, runId: runId2, dryRun: false });
    await again.add([user('a', 5)], () => true);
    await again.flush();
    await apply(planOf([letGo(user('a', 5))]), runId2);
    expect((await mirror())[0]).toEqual(user('a', 5));
    expect(await stagedRows()).toEqual([]);
  });

  it('a failed write is raised by the next add or flush', async () => {
    const runId = await newRun();
    const stage = createUserStage(store, { tenantId, directoryId, runId, dryRun: false });
    // a record JSON cannot hold: the page's write fails after add returned
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await stage.add([{ ...user('z', 1), raw: cyclic }], () => true);
    await expect(stage.add([user('w', 1)], () => true)).rejects.toThrow(/circular/);
    await stage.settle();
    await dropStagedUsersOf(store.db, tenantId, directoryId);
  });

  it('fails the apply with nothing written when the stage and the plan disagree', async () => {
    const before = await mirror();
    const runId = await newRun();
    const stage = createUserStage(store, { tenantId, directoryId, runId, dryRun: false });
    await stage.add([user('x', 1)], () => true);
    await stage.flush();
    await expect(apply(planOf([letGo(user('x', 1)), letGo(user('y', 1))]), runId)).rejects.toThrow(/staged 1 user records but its plan writes 2; nothing was applied/);
    expect(await mirror()).toEqual(before);
    expect((await stagedRows()).map((r) => r.externalId)).toEqual(['x']);
  });

  it('a dry run stages nothing and leaves a blocked run\'s stage; a new run on the directory drops it', async () => {
    await dropStagedUsersOf(store.db, tenantId, directoryId); // what the tests before left
    const blockedRun = await newRun();
    const blocked = createUserStage(store, { tenantId, directoryId, runId: blockedRun, dryRun: false });
    await blocked.add([user('p', 1), user('q', 1)], () => true);
    await blocked.flush();
    const dry = createUserStage(store, { tenantId, directoryId, runId: await newRun(true), dryRun: true });
    let dryWritten = false;
    await dry.add([user('r', 1)], () => true, () => { dryWritten = true; });
    await dry.flush();
    expect(dryWritten).toBe(true);
    expect((await stagedRows()).map((r) => [r.runId, r.externalId])).toEqual([[blockedRun, 'p'], [blockedRun, 'q']]);
    // a later real run makes the blocked plan stale (it can no longer be approved): its stage goes
    await dropStagedUsersOf(store.db, tenantId, directoryId);
    expect(await stagedRows()).toEqual([]);
  });
});
