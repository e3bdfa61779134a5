/**
 * A focused full read lets go of each user record in step with the mirror (same hash) as soon as it
 * is read, and gets back from the mirror only the records of the focus users it let go of: on
 * SQLite and PostgreSQL, only the directory's own tenant's rows, and a record the mirror lost fails
 * the run with its user named (never a user mapped from nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { createDirectoryRepository } from '../../src/store/repositories/directory-repository.js';
import { directorySettingsGuard } from '../../src/domain/directory-settings.js';
import { letGoOfRecordsInStep, restoreRecordsFromMirror } from '../../src/sync/focused-full-read.js';
import type { MirrorUser } from '../../src/sync/plan.js';

const user = (externalId: string, hash: string): MirrorUser => ({ externalId, enabled: true, orgUnitPath: null, raw: { id: externalId, as: 'read' }, hash });

describe('letGoOfRecordsInStep', () => {
  it('drops the record of each user whose hash the mirror holds, keeps changed and new users\' records', async () => {
    const page = [user('same', 'h1'), user('changed', 'h2-new'), user('new', 'h3')];
    await letGoOfRecordsInStep(new Map([['same', 'h1'], ['changed', 'h2']]))(page);
    expect(page.map((u) => u.raw)).toEqual([null, { id: 'changed', as: 'read' }, { id: 'new', as: 'read' }]);
  });
});

describe.each(ENGINES)('restoreRecordsFromMirror (%s)', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  let tenantId: string;
  let otherTenantId: string;
  let directoryId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = await openStore({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
    ({ tenantId } = await createTenantRepository(store.db).create('Acme'));
    ({ tenantId: otherTenantId } = await createTenantRepository(store.db).create('Other'));
    const settings = directorySettingsGuard.parse({});
    directoryId = (await createDirectoryRepository(store.db).create(tenantId, { name: 'one', provider: 'okta', credentialsEncrypted: 'x', settings })).id;
    const at = new Date().toISOString();
    // more users than one IN (…) list holds
    await store.db.insertInto('directory_users').values(Array.from({ length: 1_500 }, (_, i) => ({
      tenant_id: tenantId, directory_id: directoryId, external_id: `u${i}`, raw: JSON.stringify({ id: `u${i}`, as: 'stored' }), hash: `h${i}`, enabled: 1, org_unit_path: null, updated_at: at,
    }))).execute();
  });

  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  it('fills in only the records let go of, from the mirror', async () => {
    const users = Array.from({ length: 1_500 }, (_, i) => ({ ...user(`u${i}`, `h${i}`), raw: i % 2 ? null : { id: `u${i}`, as: 'read' } }));
    await restoreRecordsFromMirror(store.db, tenantId, directoryId, users);
    expect(users[0]!.raw).toEqual({ id: 'u0', as: 'read' });
    expect(users[1_499]!.raw).toEqual({ id: 'u1499', as: 'stored' });
    expect(users.filter((u) => u.raw?.as === 'stored')).toHaveLength(750);
  });

  it('fails naming the user whose record the mirror no longer holds, and reads no other tenant\'s rows', async () => {
    await expect(restoreRecordsFromMirror(store.db, tenantId, directoryId, [{ ...user('gone', 'h'), raw: null }]))
      .rejects.toThrow('The mirror no longer holds the record of user gone');
    await expect(restoreRecordsFromMirror(store.db, otherTenantId, directoryId, [{ ...user('u1', 'h1'), raw: null }]))
      .rejects.toThrow('user u1');
  });
});
