/**
 * Store.refreshStatistics after a bulk write: PostgreSQL analyzes each table never analyzed, or
 * that the write may have changed by a tenth of the rows its statistics count (autovacuum's own
 * rule), and leaves the statistics of a table a small write cannot move; SQLite has nothing to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';

const TABLES = ['directory_users', 'directory_groups', 'directory_memberships', 'users', 'role_grants'] as const;

describe.each(ENGINES)('Store.refreshStatistics (%s)', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  const memberships = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({
    tenant_id: 'ten_1', directory_id: 'dir_1', group_external_id: `g${(from + i) % 10}`, member_type: 'user' as const, member_external_id: `u${from + i}`,
  }));
  const counted = async (table: string) => Number((await sql<{ n: number }>`select reltuples as n from pg_class where oid = to_regclass(${table})`.execute(store.db)).rows[0]!.n);

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = await openStore({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
    await store.db.insertInto('directory_memberships').values(memberships(2_000, 0)).execute();
  });

  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  it('analyzes a table never analyzed, whatever the write (SQLite: nothing to do)', async () => {
    if (engine === 'sqlite') return expect(await store.refreshStatistics(TABLES, 1_000_000)).toEqual([]);
    expect(await store.refreshStatistics(['staged_directory_users'], 0)).toEqual(['staged_directory_users']);
    expect(await counted('staged_directory_users')).toBe(0);
  });

  it('analyzes a table only when the write may have changed a tenth of it (SQLite: nothing to do)', async () => {
    if (engine === 'sqlite') return expect(await store.refreshStatistics(['directory_memberships'], 2_000)).toEqual([]);
    await sql`analyze ${sql.join(TABLES.map((t) => sql.table(t)))}`.execute(store.db);
    expect(await counted('directory_memberships')).toBe(2_000);
    // 100 rows cannot move 2,000 rows' statistics; the empty tables' can
    expect((await store.refreshStatistics(TABLES, 100)).sort()).toEqual(['directory_groups', 'directory_users', 'role_grants', 'users']);
    await store.db.insertInto('directory_memberships').values(memberships(500, 2_000)).execute();
    expect(await store.refreshStatistics(['directory_memberships'], 500)).toEqual(['directory_memberships']);
    expect(await counted('directory_memberships')).toBe(2_500);
  });
});
