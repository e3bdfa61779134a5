/**
 * On SQLite a focused full read's stored mirror loads in a thread of its own (stored-mirror-thread.ts),
 * from the database file opened read-only: it gives exactly the rows the sync thread's own
 * connection would (users' hashes, groups, joined member lists), only the directory's own tenant
 * reads them, and a thread that cannot read the file rejects with the reason.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { createDirectoryRepository } from '../../src/store/repositories/directory-repository.js';
import { directorySettingsGuard } from '../../src/domain/directory-settings.js';
import { loadStoredMirrorRows } from '../../src/sync/focused-full-read.js';
import { loadStoredMirrorRowsInThread } from '../../src/sync/stored-mirror-thread.js';

describe('the stored mirror loaded in its own thread (SQLite)', () => {
  let testDb: TestDatabase;
  let store: Store;
  let tenantId: string;
  let otherTenantId: string;
  let directoryId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('sqlite');
    store = await openStore({ dataDir: testDb.dataDir });
    ({ tenantId } = await createTenantRepository(store.db).create('Acme'));
    ({ tenantId: otherTenantId } = await createTenantRepository(store.db).create('Other'));
    const settings = directorySettingsGuard.parse({});
    directoryId = (await createDirectoryRepository(store.db).create(tenantId, { name: 'one', provider: 'okta', credentialsEncrypted: 'x', settings })).id;
    const at = new Date().toISOString();
    const mine = { tenant_id: tenantId, directory_id: directoryId };
    await store.db.insertInto('directory_users').values(Array.from({ length: 300 }, (_, i) => ({
      ...mine, external_id: `u${i}`, raw: '{}', hash: `h${i}`, enabled: 1, org_unit_path: null, updated_at: at,
    }))).execute();
    await store.db.insertInto('directory_groups').values(['g1', 'g2'].map((g) => ({
      ...mine, id: `${directoryId}-${g}`, external_id: g, name: g.toUpperCase(), description: null, raw: '{}', hash: `hash-${g}`, created_at: at, updated_at: at,
    }))).execute();
    await store.db.insertInto('directory_memberships').values([
      ...Array.from({ length: 250 }, (_, i) => ({ ...mine, group_external_id: 'g1', member_type: 'user' as const, member_external_id: `u${i}` })),
      { ...mine, group_external_id: 'g1', member_type: 'group' as const, member_external_id: 'g2' },
      { ...mine, group_external_id: 'g2', member_type: 'user' as const, member_external_id: 'u299' },
    ]).execute();
  });

  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  it('gives the rows the sync thread\'s own connection gives', async () => {
    const inThread = await loadStoredMirrorRowsInThread({ file: store.sqliteFile!, tenantId, directoryId });
    expect(inThread).toEqual(await loadStoredMirrorRows(store.db, tenantId, directoryId));
    expect(inThread.users.ids).toHaveLength(300);
    expect(inThread.users.hashes[inThread.users.ids.indexOf('u7')]).toBe('h7');
    expect(inThread.groups.map((g) => g.name).sort()).toEqual(['G1', 'G2']);
    const g1Users = inThread.lists!.rows.find((r) => r.group_external_id === 'g1' && r.member_type === 'user')!;
    expect(g1Users.ids.split(inThread.lists!.separator)).toHaveLength(250);
  });

  it('reads nothing for the directory named with another tenant', async () => {
    const rows = await loadStoredMirrorRowsInThread({ file: store.sqliteFile!, tenantId: otherTenantId, directoryId });
    expect(rows).toEqual({ users: { ids: [], hashes: [] }, groups: [], lists: { rows: [], separator: expect.any(String) } });
  });

  it('rejects with the reason when the file cannot be read', async () => {
    const file = path.join(testDb.dataDir!, 'missing.db');
    await expect(loadStoredMirrorRowsInThread({ file, tenantId, directoryId })).rejects.toThrow(/Could not load the stored mirror: .*(unable to open|does not exist)/i);
  });
});
