/**
 * Store.insertRows — COPY on PostgreSQL, a reused prepared statement on SQLite — lands every cell
 * exactly (COPY's text format escapes tabs, newlines, backslashes; `\N` as text is not NULL),
 * skips only colliding rows when asked, and belongs to the caller's transaction: rolled back with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { Cell } from '../../src/store/bulk-insert.js';
import { createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { createDirectoryRepository } from '../../src/store/repositories/directory-repository.js';
import { directorySettingsGuard } from '../../src/domain/directory-settings.js';

const ODD = ['plain', 'tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', '\\N', '\\', 'NULL', '', 'with "quotes"', "it's", 'Ärzte 日本 😀', '{a,b}'];
const COLUMNS = ['tenant_id', 'directory_id', 'group_external_id', 'member_type', 'member_external_id'];

describe.each(ENGINES)('Store.insertRows (%s)', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  const rowsOf = (directoryId: string, n: number, offset = 0): Cell[][] =>
    Array.from({ length: n }, (_, i) => ['ten_1', directoryId, `g-${ODD[(i + offset) % ODD.length]!}`, i % 2 ? 'user' : 'group', `m-${i + offset}-${ODD[i % ODD.length]!}`]);
  const stored = async (directoryId: string) => (await store.db.selectFrom('directory_memberships')
    .select(['tenant_id', 'directory_id', 'group_external_id', 'member_type', 'member_external_id'])
    .where('directory_id', '=', directoryId).execute())
    .map((r) => [r.tenant_id, r.directory_id, r.group_external_id, r.member_type, r.member_external_id]);
  const sorted = (rows: Cell[][]) => rows.map((r) => JSON.stringify(r)).sort();

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = await openStore({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
  });
  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  it('writes every cell exactly, odd text included, across many statements', async () => {
    const rows = rowsOf('dir_exact', 1234);
    const n = await store.db.transaction().execute((tx) => store.insertRows(tx, 'directory_memberships', COLUMNS, () => rows));
    expect(n).toBe(1234);
    expect(sorted(await stored('dir_exact'))).toEqual(sorted(rows));
  });

  it('keeps NULL and numbers apart from their text look-alikes', async () => {
    const { tenantId } = await createTenantRepository(store.db).create('Nulls');
    const directoryId = (await createDirectoryRepository(store.db).create(tenantId, {
      name: 'nulls', provider: 'okta', credentialsEncrypted: 'x', settings: directorySettingsGuard.parse({}),
    })).id;
    const at = '2026-11-27T00:00:00.000Z';
    await store.db.transaction().execute((tx) => store.insertRows(tx, 'directory_users', ['tenant_id', 'directory_id', 'external_id', 'raw', 'hash', 'enabled', 'org_unit_path', 'updated_at'], () => [
      [tenantId, directoryId, 'u1', '{"a":"\\\\N"}', '\\N', 1, null, at],
      [tenantId, directoryId, 'u2', '{"b":"tab\\t"}', 'NULL', 0, '\\N', at],
    ]));
    const users = await store.db.selectFrom('directory_users').select(['external_id', 'raw', 'hash', 'enabled', 'org_unit_path'])
      .where('directory_id', '=', directoryId).orderBy('external_id').execute();
    expect(users.map((u) => ({ ...u, enabled: Number(u.enabled) }))).toEqual([
      { external_id: 'u1', raw: '{"a":"\\\\N"}', hash: '\\N', enabled: 1, org_unit_path: null },
      { external_id: 'u2', raw: '{"b":"tab\\t"}', hash: 'NULL', enabled: 0, org_unit_path: '\\N' },
    ]);
  });

  it('skips only the rows that collide when told to, and fails on them otherwise', async () => {
    const first = rowsOf('dir_conflict', 300);
    await store.db.transaction().execute((tx) => store.insertRows(tx, 'directory_memberships', COLUMNS, () => first));
    const again = [...first.slice(0, 50), ...rowsOf('dir_conflict', 200, 1000)];
    await store.db.transaction().execute(async (tx) => {
      await store.insertRows(tx, 'directory_memberships', COLUMNS, () => again, { ignoreConflicts: true });
      // the transaction goes on after the collision was handled
      await tx.insertInto('directory_memberships').values({ tenant_id: 'ten_1', directory_id: 'dir_conflict', group_external_id: 'after', member_type: 'user', member_external_id: 'x' }).execute();
    });
    const expected = [...first, ...rowsOf('dir_conflict', 200, 1000), ['ten_1', 'dir_conflict', 'after', 'user', 'x']];
    expect(sorted(await stored('dir_conflict'))).toEqual(sorted(expected));
    await expect(store.db.transaction().execute((tx) => store.insertRows(tx, 'directory_memberships', COLUMNS, () => first.slice(0, 1))))
      .rejects.toThrow(/unique|constraint/i);
    expect((await stored('dir_conflict')).length).toBe(expected.length);
  });

  it('reports the real error when rows that collide also break another constraint', async () => {
    const first = rowsOf('dir_errors', 3);
    await store.db.transaction().execute((tx) => store.insertRows(tx, 'directory_memberships', COLUMNS, () => first));
    // the collision comes first (PostgreSQL: the COPY fails on it and starts over through a scratch
    // table), the NULL ~2,000 rows later (it fails that second attempt)
    const broken: Cell[][] = [first[0]!, ...rowsOf('dir_errors', 2000, 10_000), ['ten_1', 'dir_errors', null, 'user', 'x']];
    await expect(store.db.transaction().execute((tx) => store.insertRows(tx, 'directory_memberships', COLUMNS, () => broken, { ignoreConflicts: true })))
      .rejects.toThrow(/null/i);
    expect((await stored('dir_errors')).length).toBe(3);
  });

  it('is part of the caller\'s transaction: rolled back with it, and refused outside one', async () => {
    await expect(store.db.transaction().execute(async (tx) => {
      await store.insertRows(tx, 'directory_memberships', COLUMNS, () => rowsOf('dir_rollback', 500));
      throw new Error('the run failed after writing');
    })).rejects.toThrow('the run failed after writing');
    expect(await stored('dir_rollback')).toEqual([]);
    await expect(store.insertRows(store.db, 'directory_memberships', COLUMNS, () => rowsOf('dir_rollback', 1))).rejects.toThrow(/inside a transaction/);
  });
});
