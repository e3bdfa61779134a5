/**
 * The planner, case by case (after awslabs/ssosync's get…Operations tests): one small input per
 * rule of DESIGN.md, and the exact changes it must produce. The property tests beside this file
 * check the rules hold together on random states.
 */
import { describe, expect, it } from 'vitest';
import { plan, type CurrentGrant, type CurrentUser, type PlannedUser, type PlannerInput } from '../../src/sync/planner.js';
import type { MappedValues, MembershipRow, MirrorUser, Plan } from '../../src/sync/plan.js';
import { membershipsFromRows } from '../../src/sync/memberships.js';

const DIR = 'dir-1';
const OTHER_DIR = 'dir-2';
const ORG = 'org-primary';

function values(email: string | null, more: Partial<MappedValues> = {}): MappedValues {
  return {
    email,
    emailNormalized: email?.toLowerCase() ?? null,
    givenName: 'Ada',
    familyName: 'Lovelace',
    displayName: 'Ada Lovelace',
    attributes: {},
    ...more,
  };
}

/** A directory user as read and mapped: in `users` unless `inScope` is false. */
interface SourceUser {
  externalId: string;
  enabled?: boolean;
  inScope?: boolean;
  values?: MappedValues;
  error?: string;
  hash?: string;
}

function mirrorOf(u: SourceUser): MirrorUser {
  return { externalId: u.externalId, enabled: u.enabled ?? true, orgUnitPath: null, raw: { id: u.externalId }, hash: u.hash ?? `h-${u.externalId}` };
}

function plannedOf(u: SourceUser): PlannedUser {
  const enabled = u.enabled ?? true;
  if (u.error) return { externalId: u.externalId, enabled, result: { ok: false, error: { externalId: u.externalId, subject: u.externalId, message: u.error } } };
  return { externalId: u.externalId, enabled, result: { ok: true, values: u.values ?? values(`${u.externalId}@example.test`) } };
}

function owned(id: string, externalId: string, more: Partial<CurrentUser> = {}): CurrentUser {
  return { id, directoryId: DIR, externalId, status: 'active', values: values(`${externalId}@example.test`), ...more };
}

interface Scenario {
  source?: SourceUser[];
  groups?: PlannerInput['groups'];
  memberships?: MembershipRow[];
  expandedMembers?: Record<string, string[]>;
  /** Stored memberships as rows (the planner takes them grouped). */
  current?: Partial<Omit<PlannerInput['current'], 'memberships'>> & { memberships?: MembershipRow[] };
  settings?: Partial<PlannerInput['settings']>;
}

function input(s: Scenario): PlannerInput {
  const source = s.source ?? [];
  return {
    directoryId: DIR,
    directoryUsers: source.map(mirrorOf),
    users: source.filter((u) => u.inScope !== false).map(plannedOf),
    groups: s.groups ?? [],
    memberships: membershipsFromRows(s.memberships ?? []),
    expandedMembers: new Map(Object.entries(s.expandedMembers ?? {}).map(([g, us]) => [g, new Set(us)])),
    current: {
      users: [],
      groups: [],
      grants: [],
      // by default the mirror already holds exactly what was read, so mirror changes stay out of the way
      mirrorHashes: new Map(source.map((u) => [u.externalId, mirrorOf(u).hash])),
      ...s.current,
      memberships: membershipsFromRows(s.current?.memberships ?? []),
    },
    settings: { deactivationBehavior: 'deactivate', defaultGrant: null, mappings: [], ...s.settings },
  };
}

const run = (s: Scenario): Plan => plan(input(s));
const kinds = (p: Plan) => p.users.map((u) => `${u.kind}:${u.externalId}`);

describe('planner: users', () => {
  it('creates a new directory user', () => {
    const p = run({ source: [{ externalId: 'e1', values: values('Ada@Example.test') }] });
    expect(p.users).toEqual([{ kind: 'create', externalId: 'e1', values: values('Ada@Example.test'), active: true }]);
    expect(p.errors).toEqual([]);
    expect(p.usersUnchanged).toBe(0);
  });

  it('creates a user disabled at the source as deactivated', () => {
    const p = run({ source: [{ externalId: 'e1', enabled: false }] });
    expect(p.users).toEqual([{ kind: 'create', externalId: 'e1', values: values('e1@example.test'), active: false }]);
  });

  it('counts an unchanged user and changes nothing', () => {
    const p = run({ source: [{ externalId: 'e1' }], current: { users: [owned('u1', 'e1')] } });
    expect(p.users).toEqual([]);
    expect(p.usersUnchanged).toBe(1);
    expect(p.errors).toEqual([]);
  });

  it('updates a changed user and names exactly the changed fields', () => {
    const before = values('e1@example.test', { attributes: { department: 'Sales', title: 'Rep' } });
    const after = values('e1@example.test', { givenName: 'Augusta', displayName: 'Augusta King', attributes: { department: 'Sales', costCenter: '42' } });
    const p = run({ source: [{ externalId: 'e1', values: after }], current: { users: [owned('u1', 'e1', { values: before })] } });
    expect(p.users).toEqual([{ kind: 'update', userId: 'u1', externalId: 'e1', values: after, changed: ['givenName', 'displayName', 'attributes.costCenter', 'attributes.title'] }]);
    expect(p.usersUnchanged).toBe(0);
  });

  it('treats an email that differs only in case as a change of `email`, not of identity', () => {
    const p = run({ source: [{ externalId: 'e1', values: values('E1@Example.test') }], current: { users: [owned('u1', 'e1')] } });
    expect(p.users).toEqual([{ kind: 'update', userId: 'u1', externalId: 'e1', values: values('E1@Example.test'), changed: ['email'] }]);
    expect(p.errors).toEqual([]);
  });

  it('deactivates a user disabled at the source, even when nothing else changed', () => {
    const p = run({ source: [{ externalId: 'e1', enabled: false }], current: { users: [owned('u1', 'e1')] } });
    expect(p.users).toEqual([{ kind: 'deactivate', userId: 'u1', externalId: 'e1', reason: 'disabled_at_source', values: values('e1@example.test'), changed: [] }]);
  });

  it('deactivates a disabled user and carries the changed values along', () => {
    const p = run({ source: [{ externalId: 'e1', enabled: false, values: values('e1@example.test', { familyName: 'King' }) }], current: { users: [owned('u1', 'e1')] } });
    expect(p.users).toMatchObject([{ kind: 'deactivate', reason: 'disabled_at_source', changed: ['familyName'] }]);
  });

  it('leaves a user who is already deactivated and still disabled alone, but keeps values current', () => {
    const unchanged = run({ source: [{ externalId: 'e1', enabled: false }], current: { users: [owned('u1', 'e1', { status: 'deactivated' })] } });
    expect(unchanged.users).toEqual([]);
    expect(unchanged.usersUnchanged).toBe(1);
    const renamed = run({ source: [{ externalId: 'e1', enabled: false, values: values('e1@example.test', { givenName: 'Augusta' }) }], current: { users: [owned('u1', 'e1', { status: 'deactivated' })] } });
    expect(renamed.users).toMatchObject([{ kind: 'update', userId: 'u1', changed: ['givenName'] }]);
  });

  it('reactivates a deactivated user who is active at the source again', () => {
    const p = run({ source: [{ externalId: 'e1' }], current: { users: [owned('u1', 'e1', { status: 'deactivated' })] } });
    expect(p.users).toEqual([{ kind: 'reactivate', userId: 'u1', externalId: 'e1', values: values('e1@example.test'), changed: [] }]);
  });

  it('deactivates an owned user absent from the read (removed_from_directory) and revokes its sync grants', () => {
    const grant: CurrentGrant = { id: 'g1', userId: 'u1', organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null };
    const p = run({ source: [], current: { users: [owned('u1', 'e1')], grants: [grant] }, settings: { defaultGrant: { organizationId: ORG, roleKey: 'member' } } });
    expect(p.users).toEqual([{ kind: 'deactivate', userId: 'u1', externalId: 'e1', reason: 'removed_from_directory' }]);
    expect(p.grants).toEqual([{ kind: 'revoke', grantId: 'g1', userId: 'u1', organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null }]);
  });

  it('does not deactivate again an owned user who is absent and already deactivated', () => {
    const p = run({ source: [], current: { users: [owned('u1', 'e1', { status: 'deactivated' })] } });
    expect(p.users).toEqual([]);
  });

  it("leaves an absent owned user and its grants untouched under 'ignore'", () => {
    const grants: CurrentGrant[] = [
      { id: 'g1', userId: 'u1', organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null },
      { id: 'g2', userId: 'u1', organizationId: 'org-eng', roleKey: 'admin', source: 'group-mapping', mappingId: 'm1' },
    ];
    const p = run({
      source: [],
      current: { users: [owned('u1', 'e1')], grants },
      settings: { deactivationBehavior: 'ignore', defaultGrant: { organizationId: ORG, roleKey: 'member' }, mappings: [{ id: 'm1', sourceGroupId: 'grp-eng', organizationId: 'org-eng', roleKey: 'admin' }] },
    });
    expect(p.users).toEqual([]);
    expect(p.grants).toEqual([]);
  });

  it("still deactivates a user disabled at the source under 'ignore'", () => {
    const p = run({ source: [{ externalId: 'e1', enabled: false }], current: { users: [owned('u1', 'e1')] }, settings: { deactivationBehavior: 'ignore' } });
    expect(p.users).toMatchObject([{ kind: 'deactivate', reason: 'disabled_at_source' }]);
  });

  it('deactivates a user who was read but is outside the user filter (outside_user_filter)', () => {
    const p = run({ source: [{ externalId: 'e1', inScope: false }], current: { users: [owned('u1', 'e1')] } });
    expect(p.users).toEqual([{ kind: 'deactivate', userId: 'u1', externalId: 'e1', reason: 'outside_user_filter' }]);
  });

  it("leaves a user outside the filter alone under 'ignore'", () => {
    const p = run({ source: [{ externalId: 'e1', inScope: false }], current: { users: [owned('u1', 'e1')] }, settings: { deactivationBehavior: 'ignore' } });
    expect(p.users).toEqual([]);
  });

  it('does not create users read outside the filter', () => {
    const p = run({ source: [{ externalId: 'e1', inScope: false }] });
    expect(p.users).toEqual([]);
    expect(p.grants).toEqual([]);
  });
});

describe('planner: matching by email (DESIGN invariant 7)', () => {
  const manual = (id: string, email: string, more: Partial<CurrentUser> = {}): CurrentUser => ({ id, directoryId: null, externalId: null, status: 'active', values: values(email, { givenName: 'Old' }), ...more });

  it('links a directory user to the unowned AccessIQ user with the same email instead of creating a duplicate', () => {
    const p = run({ source: [{ externalId: 'e1', values: values('Ada@Example.test') }], current: { users: [manual('u9', 'ada@example.test')] } });
    expect(p.users).toEqual([{ kind: 'link', userId: 'u9', externalId: 'e1', values: values('Ada@Example.test'), active: true, changed: ['email', 'givenName'] }]);
    expect(p.errors).toEqual([]);
  });

  it('gives the linked user its grants by external id', () => {
    const p = run({ source: [{ externalId: 'e1' }], current: { users: [manual('u9', 'e1@example.test')] }, settings: { defaultGrant: { organizationId: ORG, roleKey: 'member' } } });
    expect(p.grants).toEqual([{ kind: 'add', userExternalId: 'e1', organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null }]);
  });

  it('reports a per-record error, and changes nothing, when the email belongs to a user of another directory', () => {
    const other: CurrentUser = { id: 'u7', directoryId: OTHER_DIR, externalId: 'x7', status: 'active', values: values('e1@example.test') };
    const p = run({ source: [{ externalId: 'e1' }, { externalId: 'e2' }], current: { users: [other] }, settings: { defaultGrant: { organizationId: ORG, roleKey: 'member' } } });
    expect(kinds(p)).toEqual(['create:e2']);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toMatchObject({ externalId: 'e1', message: expect.stringContaining('another directory') });
    expect(p.grants.map((g) => (g.kind === 'add' ? g.userExternalId : g.grantId))).toEqual(['e2']);
  });

  it('keeps an owned user whose new email belongs to another directory, untouched with its grants', () => {
    const other: CurrentUser = { id: 'u7', directoryId: OTHER_DIR, externalId: 'x7', status: 'active', values: values('taken@example.test') };
    const grant: CurrentGrant = { id: 'g1', userId: 'u1', organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null };
    const p = run({ source: [{ externalId: 'e1', values: values('taken@example.test') }], current: { users: [owned('u1', 'e1'), other], grants: [grant] } });
    expect(p.users).toEqual([]);
    expect(p.grants).toEqual([]);
    expect(p.errors).toHaveLength(1);
  });

  it('reports one error when two directory users map to the same email; the first keeps it', () => {
    const p = run({ source: [{ externalId: 'e1', values: values('same@example.test') }, { externalId: 'e2', values: values('SAME@example.test') }] });
    expect(kinds(p)).toEqual(['create:e1']);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toMatchObject({ externalId: 'e2', message: expect.stringContaining('Two directory users') });
  });

  it('lets the user who already holds an email keep it when a newcomer maps to the same email, whatever the order', () => {
    const p = run({ source: [{ externalId: 'e2', values: values('e1@example.test') }, { externalId: 'e1' }], current: { users: [owned('u1', 'e1')] } });
    expect(p.users).toEqual([]);
    expect(p.usersUnchanged).toBe(1);
    expect(p.errors).toMatchObject([{ externalId: 'e2' }]);
  });

  it('does not take over an email another user of this directory keeps', () => {
    const p = run({ source: [{ externalId: 'e1', values: values('e2@example.test') }, { externalId: 'e2' }], current: { users: [owned('u1', 'e1'), owned('u2', 'e2')] } });
    expect(p.users).toEqual([]);
    expect(p.errors).toMatchObject([{ externalId: 'e1', message: expect.stringContaining('Two directory users') }]);
  });

  it('does not take over, in the same run, an email another read user of this directory is giving up', () => {
    // the applier creates and updates in an order that could collide on the unique email index
    const p = run({
      source: [{ externalId: 'e1', values: values('e2@example.test') }, { externalId: 'e2', values: values('e2-new@example.test') }],
      current: { users: [owned('u1', 'e1'), owned('u2', 'e2')] },
    });
    expect(kinds(p)).toEqual(['update:e2']);
    expect(p.errors).toMatchObject([{ externalId: 'e1', message: expect.stringContaining('already used') }]);
  });

  it('does not link a disabled directory account to an unowned active AccessIQ user (error instead)', () => {
    const p = run({ source: [{ externalId: 'e1', enabled: false }], current: { users: [manual('u9', 'e1@example.test')] }, settings: { defaultGrant: { organizationId: ORG, roleKey: 'member' } } });
    expect(p.users).toEqual([]);
    expect(p.grants).toEqual([]);
    expect(p.errors).toMatchObject([{ externalId: 'e1', message: expect.stringContaining('disabled') }]);
  });

  it('links a returning directory user (new external id) to the removed user of the same directory with that email', () => {
    const p = run({ source: [{ externalId: 'e1-new', values: values('e1@example.test') }], current: { users: [owned('u1', 'e1')] } });
    expect(p.users).toEqual([{ kind: 'link', userId: 'u1', externalId: 'e1-new', values: values('e1@example.test'), active: true, changed: [] }]);
    expect(p.errors).toEqual([]);
  });
});

describe('planner: records that fail mapping', () => {
  it('reports the error and leaves the existing user untouched: not updated, not deactivated, grants kept', () => {
    const grants: CurrentGrant[] = [
      { id: 'g1', userId: 'u1', organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null },
      { id: 'g2', userId: 'u1', organizationId: 'org-eng', roleKey: 'admin', source: 'group-mapping', mappingId: 'm1' },
    ];
    const p = run({
      source: [{ externalId: 'e1', error: 'The mapped email "x" is not valid' }],
      current: { users: [owned('u1', 'e1')], grants },
      settings: { defaultGrant: { organizationId: ORG, roleKey: 'member' }, mappings: [] },
    });
    expect(p.users).toEqual([]);
    expect(p.grants).toEqual([]);
    expect(p.errors).toEqual([{ externalId: 'e1', subject: 'e1', message: 'The mapped email "x" is not valid' }]);
  });

  it('creates nothing for a new record that fails mapping', () => {
    const p = run({ source: [{ externalId: 'e1', error: 'bad' }], settings: { defaultGrant: { organizationId: ORG, roleKey: 'member' } } });
    expect(p.users).toEqual([]);
    expect(p.grants).toEqual([]);
    expect(p.errors).toHaveLength(1);
  });
});

describe('planner: grants', () => {
  const defaultGrant = { organizationId: ORG, roleKey: 'member' };
  const eng = { id: 'm-eng', sourceGroupId: 'grp-eng', organizationId: 'org-eng', roleKey: 'developer' };
  const ops = { id: 'm-ops', sourceGroupId: 'grp-ops', organizationId: 'org-eng', roleKey: 'operator' };
  const dg = (id: string, userId: string): CurrentGrant => ({ id, userId, organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null });
  const mg = (id: string, userId: string, m: typeof eng): CurrentGrant => ({ id, userId, organizationId: m.organizationId, roleKey: m.roleKey, source: 'group-mapping', mappingId: m.id });
  const adds = (p: Plan) => p.grants.flatMap((g) => (g.kind === 'add' ? [`${g.userExternalId}:${g.source}:${g.mappingId ?? '-'}`] : []));
  const revokes = (p: Plan) => p.grants.flatMap((g) => (g.kind === 'revoke' ? [g.grantId] : []));

  it('grants the default role to every present user: new, unchanged, disabled and linked', () => {
    const p = run({
      source: [{ externalId: 'new' }, { externalId: 'kept' }, { externalId: 'off', enabled: false }, { externalId: 'link' }],
      current: { users: [owned('u-kept', 'kept'), owned('u-off', 'off'), { id: 'u-link', directoryId: null, externalId: null, status: 'active', values: values('link@example.test') }] },
      settings: { defaultGrant },
    });
    expect(adds(p).sort()).toEqual(['kept:default-role:-', 'link:default-role:-', 'new:default-role:-', 'off:default-role:-']);
  });

  it('adds nothing for a user who already has the default grant', () => {
    const p = run({ source: [{ externalId: 'e1' }], current: { users: [owned('u1', 'e1')], grants: [dg('g1', 'u1')] }, settings: { defaultGrant } });
    expect(p.grants).toEqual([]);
  });

  it('revokes default grants when the default role is turned off', () => {
    const p = run({ source: [{ externalId: 'e1' }], current: { users: [owned('u1', 'e1')], grants: [dg('g1', 'u1')] }, settings: { defaultGrant: null } });
    expect(revokes(p)).toEqual(['g1']);
    expect(adds(p)).toEqual([]);
  });

  it('moves the default grant when the default organization changes', () => {
    const p = run({ source: [{ externalId: 'e1' }], current: { users: [owned('u1', 'e1')], grants: [dg('g1', 'u1')] }, settings: { defaultGrant: { organizationId: 'org-2', roleKey: 'member' } } });
    expect(revokes(p)).toEqual(['g1']);
    expect(p.grants).toContainEqual({ kind: 'add', userExternalId: 'e1', organizationId: 'org-2', roleKey: 'member', source: 'default-role', mappingId: null });
  });

  it('grants a mapping role to the expanded (nested) members of the source group who are present', () => {
    const p = run({
      source: [{ externalId: 'a' }, { externalId: 'b' }, { externalId: 'out', inScope: false }],
      expandedMembers: { 'grp-eng': ['a', 'b', 'out', 'never-read'] },
      settings: { mappings: [eng] },
    });
    expect(adds(p).sort()).toEqual(['a:group-mapping:m-eng', 'b:group-mapping:m-eng']);
    expect(p.grants).toContainEqual({ kind: 'add', userExternalId: 'a', organizationId: 'org-eng', roleKey: 'developer', source: 'group-mapping', mappingId: 'm-eng' });
  });

  it('revokes only the grant of the mapping whose group the user left', () => {
    const p = run({
      source: [{ externalId: 'a' }],
      expandedMembers: { 'grp-eng': [], 'grp-ops': ['a'] },
      current: { users: [owned('u-a', 'a')], grants: [dg('g0', 'u-a'), mg('g1', 'u-a', eng), mg('g2', 'u-a', ops)] },
      settings: { defaultGrant, mappings: [eng, ops] },
    });
    expect(p.grants).toEqual([{ kind: 'revoke', grantId: 'g1', userId: 'u-a', organizationId: 'org-eng', roleKey: 'developer', source: 'group-mapping', mappingId: 'm-eng' }]);
  });

  it("revokes a deleted mapping's grants and keeps the others", () => {
    const p = run({
      source: [{ externalId: 'a' }, { externalId: 'b' }],
      expandedMembers: { 'grp-ops': ['a', 'b'] },
      current: { users: [owned('u-a', 'a'), owned('u-b', 'b')], grants: [mg('g1', 'u-a', eng), mg('g2', 'u-b', eng), mg('g3', 'u-a', ops), mg('g4', 'u-b', ops)] },
      settings: { mappings: [ops] },
    });
    expect(revokes(p).sort()).toEqual(['g1', 'g2']);
    expect(adds(p)).toEqual([]);
  });

  it('keeps one grant per mapping even when two mappings give the same role in the same organization', () => {
    const twin = { ...eng, id: 'm-twin', sourceGroupId: 'grp-twin' };
    const p = run({
      source: [{ externalId: 'a' }],
      expandedMembers: { 'grp-eng': ['a'], 'grp-twin': ['a'] },
      current: { users: [owned('u-a', 'a')], grants: [mg('g1', 'u-a', eng)] },
      settings: { mappings: [eng, twin] },
    });
    expect(adds(p)).toEqual(['a:group-mapping:m-twin']);
    expect(revokes(p)).toEqual([]);
  });

  it('revokes a duplicate of a grant the user already holds', () => {
    const p = run({
      source: [{ externalId: 'a' }],
      current: { users: [owned('u-a', 'a')], grants: [dg('g1', 'u-a'), dg('g2', 'u-a')] },
      settings: { defaultGrant },
    });
    expect(revokes(p)).toEqual(['g2']);
    expect(adds(p)).toEqual([]);
  });

  it('grants nothing to a user whose record failed or whose email is in conflict', () => {
    const p = run({
      source: [{ externalId: 'bad', error: 'bad' }, { externalId: 'a', values: values('x@example.test') }, { externalId: 'b', values: values('x@example.test') }],
      expandedMembers: { 'grp-eng': ['bad', 'a', 'b'] },
      settings: { defaultGrant, mappings: [eng] },
    });
    expect(adds(p).sort()).toEqual(['a:default-role:-', 'a:group-mapping:m-eng']);
  });
});

describe('planner: groups, memberships, mirror', () => {
  const group = (externalId: string, hash: string, name = externalId) => ({ externalId, name, description: null, raw: { id: externalId }, hash });

  it('creates new groups, updates groups whose hash changed, deletes groups no longer read', () => {
    const p = run({
      groups: [group('new', 'h1'), group('same', 'h1'), group('changed', 'h2', 'Renamed')],
      current: { groups: [{ id: 'g-same', externalId: 'same', name: 'same', hash: 'h1' }, { id: 'g-changed', externalId: 'changed', name: 'changed', hash: 'h1' }, { id: 'g-gone', externalId: 'gone', name: 'Gone', hash: 'h1' }] },
    });
    expect(p.groups).toEqual([
      { kind: 'create', externalId: 'new', name: 'new', description: null, raw: { id: 'new' }, hash: 'h1' },
      { kind: 'update', groupId: 'g-changed', externalId: 'changed', name: 'Renamed', description: null, raw: { id: 'changed' }, hash: 'h2' },
      { kind: 'delete', groupId: 'g-gone', externalId: 'gone', name: 'Gone' },
    ]);
    expect(p.groupsProcessed).toBe(3);
  });

  it('adds new memberships and removes vanished ones, users and nested groups alike, once each', () => {
    const kept: MembershipRow = { groupExternalId: 'g1', memberType: 'user', memberExternalId: 'a' };
    const added: MembershipRow = { groupExternalId: 'g1', memberType: 'group', memberExternalId: 'g2' };
    const removed: MembershipRow = { groupExternalId: 'g2', memberType: 'user', memberExternalId: 'b' };
    const p = run({ memberships: [kept, added, added], current: { memberships: [kept, removed] } });
    expect(p.memberships).toEqual([
      { groupExternalId: 'g1', memberType: 'group', added: ['g2'], removed: [] },
      { groupExternalId: 'g2', memberType: 'user', added: [], removed: ['b'] },
    ]);
  });

  it('tells a user membership from a group membership with the same id', () => {
    const asUser: MembershipRow = { groupExternalId: 'g1', memberType: 'user', memberExternalId: 'x' };
    const asGroup: MembershipRow = { groupExternalId: 'g1', memberType: 'group', memberExternalId: 'x' };
    const p = run({ memberships: [asGroup], current: { memberships: [asUser] } });
    expect(p.memberships).toEqual([
      { groupExternalId: 'g1', memberType: 'user', added: [], removed: [asUser.memberExternalId] },
      { groupExternalId: 'g1', memberType: 'group', added: [asGroup.memberExternalId], removed: [] },
    ]);
  });

  it('compares member sets, not orders: a group read in another order, or listed empty, changes nothing', () => {
    const p = plan({
      ...input({}),
      memberships: new Map([['g1', { users: ['c', 'a', 'b'], groups: ['g2'] }], ['g-empty', { users: [], groups: [] }]]),
      current: { ...input({}).current, memberships: new Map([['g1', { users: ['a', 'b', 'c'], groups: ['g2'] }]]) },
    });
    expect(p.memberships).toEqual([]);
  });

  it('sees a changed list of the same length, even when the read lists an id twice', () => {
    const p = plan({
      ...input({}),
      memberships: new Map([['g1', { users: ['a', 'a', 'b'], groups: [] }], ['g2', { users: ['x', 'y'], groups: [] }]]),
      current: { ...input({}).current, memberships: new Map([['g1', { users: ['a', 'b', 'c'], groups: [] }], ['g2', { users: ['y', 'z'], groups: [] }]]) },
    });
    expect(p.memberships).toEqual([
      { groupExternalId: 'g1', memberType: 'user', added: [], removed: ['c'] },
      { groupExternalId: 'g2', memberType: 'user', added: ['x'], removed: ['z'] },
    ]);
  });

  it('adds an id listed twice in a group once, and removes the members of a group no longer read', () => {
    const p = plan({
      ...input({}),
      memberships: new Map([['g1', { users: ['a', 'a', 'b'], groups: [] }]]),
      current: { ...input({}).current, memberships: new Map([['g1', { users: ['b', 'c'], groups: [] }], ['gone', { users: ['a'], groups: ['g1'] }]]) },
    });
    expect(p.memberships).toEqual([
      { groupExternalId: 'g1', memberType: 'user', added: ['a'], removed: ['c'] },
      { groupExternalId: 'gone', memberType: 'user', added: [], removed: ['a'] },
      { groupExternalId: 'gone', memberType: 'group', added: [], removed: ['g1'] },
    ]);
  });

  it('upserts only mirror records whose hash changed (in scope or not) and deletes the ones no longer read', () => {
    const p = run({
      source: [{ externalId: 'same', hash: 'h1' }, { externalId: 'changed', hash: 'h2' }, { externalId: 'new', hash: 'h1', inScope: false }],
      current: { mirrorHashes: new Map([['same', 'h1'], ['changed', 'h1'], ['gone', 'h1']]), users: [owned('u-same', 'same'), owned('u-changed', 'changed')] },
    });
    expect(p.mirror.upserts.map((u) => u.externalId)).toEqual(['changed', 'new']);
    expect(p.mirror.upserts[0]).toEqual(mirrorOf({ externalId: 'changed', hash: 'h2' }));
    expect(p.mirror.deletes).toEqual(['gone']);
  });

  it('gives an empty plan when nothing changed', () => {
    const p = run({
      source: [{ externalId: 'a' }],
      groups: [group('g1', 'h1')],
      memberships: [{ groupExternalId: 'g1', memberType: 'user', memberExternalId: 'a' }],
      expandedMembers: { g1: ['a'] },
      current: {
        users: [owned('u-a', 'a')],
        groups: [{ id: 'grp-1', externalId: 'g1', name: 'g1', hash: 'h1' }],
        memberships: [{ groupExternalId: 'g1', memberType: 'user', memberExternalId: 'a' }],
        grants: [{ id: 'gr1', userId: 'u-a', organizationId: ORG, roleKey: 'member', source: 'default-role', mappingId: null }, { id: 'gr2', userId: 'u-a', organizationId: 'org-eng', roleKey: 'developer', source: 'group-mapping', mappingId: 'm1' }],
      },
      settings: { defaultGrant: { organizationId: ORG, roleKey: 'member' }, mappings: [{ id: 'm1', sourceGroupId: 'g1', organizationId: 'org-eng', roleKey: 'developer' }] },
    });
    expect(p).toEqual({ users: [], groups: [], memberships: [], grants: [], mirror: { upserts: [], deletes: [] }, errors: [], usersUnchanged: 1, groupsProcessed: 1 });
  });
});
