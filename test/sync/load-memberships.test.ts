/**
 * Stored memberships are read as one joined id list per group and member type, in keyset pages:
 * every row comes back exactly once, grouped by group, on SQLite and PostgreSQL alike — including
 * ids whose order differs between byte order and a PostgreSQL collation, and an id holding the
 * list separator (then the rows are read one by one, also in keyset pages). Only the directory's
 * own tenant reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { createDirectoryRepository } from '../../src/store/repositories/directory-repository.js';
import { directorySettingsGuard } from '../../src/domain/directory-settings.js';
import { loadMemberListTexts, loadMembershipRows, loadMemberships } from '../../src/sync/current-state.js';
import { storedListsOfTexts } from '../../src/sync/focused-full-read.js';
import { membershipRows } from '../../src/sync/memberships.js';
import type { MembershipRow } from '../../src/sync/plan.js';

const GROUPS = ['g-a', 'G-b', 'g_c', 'g c', 'Ärzte', 'z'];
const MEMBERS = ['u1', 'U2', 'u-3', 'u 4', 'ü5', 'u10', 'g-a', 'z'];
const key = (m: MembershipRow) => `${m.groupExternalId}|${m.memberType}|${m.memberExternalId}`;

describe.each(ENGINES)('loadMemberships (%s)', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  let tenantId: string;
  let directoryId: string;
  const rows: MembershipRow[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = await openStore({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
    ({ tenantId } = await createTenantRepository(store.db).create('Acme'));
    const directories = createDirectoryRepository(store.db);
    const settings = directorySettingsGuard.parse({});
    directoryId = (await directories.create(tenantId, { name: 'one', provider: 'okta', credentialsEncrypted: 'x', settings })).id;
    const otherId = (await directories.create(tenantId, { name: 'two', provider: 'okta', credentialsEncrypted: 'x', settings })).id;
    GROUPS.forEach((g, i) => MEMBERS.forEach((m, j) => {
      if ((i + j) % 3 === 0) return; // groups of different sizes
      rows.push({ groupExternalId: g, memberType: (i + j) % 4 === 1 ? 'group' : 'user', memberExternalId: m });
    }));
    const toRow = (dir: string) => (m: MembershipRow) => ({ tenant_id: tenantId, directory_id: dir, group_external_id: m.groupExternalId, member_type: m.memberType, member_external_id: m.memberExternalId });
    await store.db.insertInto('directory_memberships').values(rows.map(toRow(directoryId))).execute();
    await store.db.insertInto('directory_memberships').values(rows.slice(0, 5).map((m) => toRow(otherId)({ ...m, memberExternalId: `other-${m.memberExternalId}` }))).execute();
  });

  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  it.each([1, 2, 3, 7, 1000])('returns every row once with pages of %i', async (pageSize) => {
    for (const load of [loadMemberships, loadMembershipRows]) {
      const loaded = await load(store.db, tenantId, directoryId, pageSize);
      const got = [...membershipRows(loaded)].map(key).sort();
      expect(got, load.name).toEqual(rows.map(key).sort());
      expect(new Set(got).size).toBe(got.length);
    }
  });

  it.each([1, 3, 1000])('gives the joined lists, compared by digest, the same lists with pages of %i', async (pageSize) => {
    const texts = await loadMemberListTexts(store.db, tenantId, directoryId, pageSize);
    expect(texts).not.toBeNull();
    const lists = storedListsOfTexts(texts!.lists, texts!.separator);
    const loaded = await loadMemberships(store.db, tenantId, directoryId);
    expect([...lists.groups()].sort()).toEqual([...loaded.keys()].sort());
    for (const [g, m] of loaded) {
      expect(lists.same(g, { users: [...m.users].reverse(), groups: m.groups })).toBe(true);
      expect(lists.same(g, { users: m.users.slice(1), groups: m.groups })).toBe(m.users.length === 0);
    }
    expect([...membershipRows(lists.all())].map(key).sort()).toEqual(rows.map(key).sort());
  });

  it('reads nothing for a directory named with another tenant', async () => {
    const { tenantId: otherTenant } = await createTenantRepository(store.db).create('Other');
    for (const load of [loadMemberships, loadMembershipRows]) expect((await load(store.db, otherTenant, directoryId)).size, load.name).toBe(0);
    expect((await loadMemberListTexts(store.db, otherTenant, directoryId))?.lists).toEqual([]);
  });

  it('reads an id holding the list separator exactly', async () => {
    const odd = { groupExternalId: 'g-a', memberType: 'user' as const, memberExternalId: 'cn=a\u001fb,dc=example' };
    await store.db.insertInto('directory_memberships').values({ tenant_id: tenantId, directory_id: directoryId, group_external_id: odd.groupExternalId, member_type: odd.memberType, member_external_id: odd.memberExternalId }).execute();
    try {
      const got = [...membershipRows(await loadMemberships(store.db, tenantId, directoryId, 2))].map(key).sort();
      expect(got).toEqual([...rows, odd].map(key).sort());
      // the joined lists cannot be split exactly: the caller falls back to the lists above
      expect(await loadMemberListTexts(store.db, tenantId, directoryId)).toBeNull();
    } finally {
      await store.db.deleteFrom('directory_memberships').where('member_external_id', '=', odd.memberExternalId).execute();
    }
  });
});
