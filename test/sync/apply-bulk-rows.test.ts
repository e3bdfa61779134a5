/**
 * The apply's bulk rows land exactly as planned on both engines: inserts through Store.insertRows
 * (COPY on PostgreSQL), and membership removes on both paths — multi-row statements and, on
 * PostgreSQL, one array per column through unnest(), whose array literals must survive quotes,
 * backslashes, braces, commas, "NULL", empty strings, newlines and non-ASCII text. The mirror's odd values (real NULLs, JSON) round-trip
 * too, and a second apply takes its upsert path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createTenantRepository } from '../../src/store/repositories/tenant-repository.js';
import { createDirectoryRepository } from '../../src/store/repositories/directory-repository.js';
import { directorySettingsGuard } from '../../src/domain/directory-settings.js';
import { applyPlan } from '../../src/sync/applier.js';
import type { MirrorUser, Plan } from '../../src/sync/plan.js';
import { groupMembershipChanges, type MembershipChangeRow } from '../../src/sync/memberships.js';

const ODD = ['plain', 'with "quotes"', 'back\\slash', '{braces}', 'a,b', 'NULL', '', 'line\nbreak', 'Ärzte 日本', "it's"];

const mirrorUsers = (version: number): MirrorUser[] => ODD.map((v, i) => ({
  externalId: `u-${v}-${i}`,
  enabled: i % 2 === 0,
  orgUnitPath: i % 3 === 0 ? null : `/${v}`,
  raw: { id: `u-${v}-${i}`, name: v, nested: { list: [v, null, i], version }, '@odata.type': '#microsoft.graph.user' },
  hash: `h${version}-${i}`,
}));
const memberships: MembershipChangeRow[] = ODD.flatMap((g, i) => ODD.slice(0, 4).map((m, j) => ({
  kind: 'add' as const, groupExternalId: `g-${g}`, memberType: (i + j) % 3 === 0 ? 'group' as const : 'user' as const, memberExternalId: `m-${m}-${j}`,
})));
const planOf = (upserts: MirrorUser[], changes: MembershipChangeRow[]): Plan => ({
  users: [], groups: [], memberships: groupMembershipChanges(changes), grants: [], mirror: { upserts, deletes: [] }, errors: [], usersUnchanged: 0, groupsProcessed: 0,
});

describe.each(ENGINES)('bulk rows of the apply (%s)', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  let tenantId: string;
  const paths = () => (store.supportsArrayParameters ? [true, false] : [false]);

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = await openStore({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
    ({ tenantId } = await createTenantRepository(store.db).create('Acme'));
  });
  afterAll(async () => {
    await store?.close();
    await testDb?.drop();
  });

  it('writes the mirror and memberships exactly, then upserts the mirror and removes exactly the memberships named', async () => {
    expect(store.supportsArrayParameters).toBe(engine === 'postgres');
    for (const arrayParameters of paths()) {
      const directoryId = (await createDirectoryRepository(store.db).create(tenantId, {
        name: `dir-${String(arrayParameters)}`, provider: 'okta', credentialsEncrypted: 'x', settings: directorySettingsGuard.parse({}),
      })).id;
      const apply = (plan: Plan) => applyPlan({ db: store.db, insertRows: store.insertRows, supportsArrayParameters: arrayParameters }, plan, [], { tenantId, directoryId, runId: 'run_x', now: '2026-11-27T00:00:00.000Z', finalize: async () => undefined });
      const readMirror = async () => (await store.db.selectFrom('directory_users').select(['external_id', 'raw', 'hash', 'enabled', 'org_unit_path'])
        .where('directory_id', '=', directoryId).execute())
        .map((r) => ({ externalId: r.external_id, raw: JSON.parse(r.raw) as unknown, hash: r.hash, enabled: r.enabled === 1, orgUnitPath: r.org_unit_path }))
        .sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
      const sorted = (us: MirrorUser[]) => [...us].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));

      const first = planOf(mirrorUsers(1), memberships);
      expect(await apply(first)).toBe(mirrorUsers(1).length + memberships.length);
      // the plan is spent: its provider records are let go once written (a first sync's ~100 MiB)
      expect(first.mirror.upserts).toEqual([]);
      expect(await readMirror(), `arrayParameters=${String(arrayParameters)}`).toEqual(sorted(mirrorUsers(1)));
      const stored = await store.db.selectFrom('directory_memberships').select(['group_external_id', 'member_type', 'member_external_id'])
        .where('directory_id', '=', directoryId).execute();
      const key = (g: string, t: string, m: string) => `${g}|${t}|${m}`;
      expect(stored.map((r) => key(r.group_external_id, r.member_type, r.member_external_id)).sort())
        .toEqual(memberships.map((m) => key(m.groupExternalId, m.memberType, m.memberExternalId)).sort());

      // the same users again, changed: the upsert path; a membership listed again is kept once
      await apply(planOf(mirrorUsers(2), memberships.slice(0, 3)));
      expect(await readMirror()).toEqual(sorted(mirrorUsers(2)));
      const count = await store.db.selectFrom('directory_memberships').select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('directory_id', '=', directoryId).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(memberships.length);

      // removes (PostgreSQL: one join against arrays): exactly the pairs named, odd ids included
      const removed = memberships.filter((_, i) => i % 3 === 0).map((m) => ({ ...m, kind: 'remove' as const }));
      await apply(planOf([], removed));
      const left = await store.db.selectFrom('directory_memberships').select(['group_external_id', 'member_type', 'member_external_id'])
        .where('directory_id', '=', directoryId).execute();
      expect(left.map((r) => key(r.group_external_id, r.member_type, r.member_external_id)).sort())
        .toEqual(memberships.filter((_, i) => i % 3 !== 0).map((m) => key(m.groupExternalId, m.memberType, m.memberExternalId)).sort());
    }
  });
});
