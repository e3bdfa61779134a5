/**
 * The mutable directory every emulator serves: the sample company plus per-record timestamps
 * (`lastUpdated`, group `lastMembershipUpdated`), a change journal with sequence numbers (for delta
 * and audit-log APIs), and ordered indexes so that a page can be found from a cursor in O(log n).
 *
 * People and groups stay ordered by their `index` (creation order). Memberships are kept sorted
 * by person index, so a member page after a cursor is a binary search plus a slice.
 * Provider-neutral: ids, statuses and wire shapes belong to each emulator.
 */
import type { Company, Person, PersonState, Team } from './company.js';

export interface PersonRecord extends Person {
  /** ISO timestamp (ms, Z) of the last profile or state change; membership edits do not bump it. */
  lastUpdated: string;
  /** ISO timestamp of the last state change. */
  stateChanged: string;
}

export interface GroupRecord extends Team {
  created: string;
  /** Last change of the group's own profile (name, description). */
  lastUpdated: string;
  /** Last change of its direct members or children. */
  lastMembershipUpdated: string;
}

export type ChangeType =
  | 'person.created'
  | 'person.updated'
  | 'person.state_changed'
  | 'person.deleted'
  | 'group.created'
  | 'group.updated'
  | 'group.deleted'
  | 'member.added'
  | 'member.removed'
  | 'child.added'
  | 'child.removed';

export interface ChangeEntry {
  /** 1-based, strictly increasing. */
  seq: number;
  at: string;
  type: ChangeType;
  personKey?: string;
  groupKey?: string;
  childGroupKey?: string;
  /** For `person.state_changed`: the state before. */
  previousState?: PersonState;
  /** For `person.updated` / `group.updated`: the fields that changed. */
  fields?: string[];
  /** Snapshot of a deleted record so delta APIs can still render a tombstone. */
  deleted?: PersonRecord | GroupRecord;
}

export type PersonPatch = Partial<Omit<Person, 'key' | 'index' | 'created'>>;
export type GroupPatch = Partial<Pick<Team, 'name' | 'description' | 'kind'>>;

export interface DirectoryStateOptions {
  /** Clock for mutations (default: wall clock). Mutation timestamps are forced strictly increasing. */
  now?: () => number;
}

export interface DirectoryState {
  readonly domain: string;
  /** People ordered by index (creation order). Treat as read-only; mutate through the methods. */
  readonly people: readonly PersonRecord[];
  /** Groups ordered by index. Read-only view. */
  readonly groups: readonly GroupRecord[];
  readonly journal: readonly ChangeEntry[];
  /** Sequence number of the newest journal entry (0 when nothing changed since generation). */
  readonly lastSeq: number;
  /** Bumped by every mutation, for caches keyed on the state. */
  readonly version: number;
  memberships(): number;

  person(key: string): PersonRecord | undefined;
  group(key: string): GroupRecord | undefined;
  /** Position in `people` of the first person whose index is greater than `index` (binary search). */
  personPositionAfter(index: number): number;
  /** Position in `groups` of the first group whose index is greater than `index`. */
  groupPositionAfter(index: number): number;
  /** Position in `group.memberKeys` of the first member whose person index is greater than `index`. */
  memberPositionAfter(groupKey: string, index: number): number;
  /** Index of a person key, also for deleted people (keys encode their index). */
  indexOfPersonKey(key: string): number | undefined;
  indexOfGroupKey(key: string): number | undefined;
  /** Groups that directly contain the person, in group order. */
  groupsOfPerson(key: string): GroupRecord[];
  /** Groups that directly contain the group. */
  parentsOfGroup(key: string): GroupRecord[];
  /** Journal entries with seq > `seq` (binary search, no copy of older entries). */
  changesSince(seq: number): readonly ChangeEntry[];

  addPerson(partial?: Partial<Person>): PersonRecord;
  updatePerson(key: string, patch: PersonPatch): PersonRecord;
  setState(key: string, state: PersonState): PersonRecord;
  deletePerson(key: string): void;
  addGroup(partial?: Partial<Team>): GroupRecord;
  updateGroup(key: string, patch: GroupPatch): GroupRecord;
  deleteGroup(key: string): void;
  addMember(groupKey: string, personKey: string): void;
  removeMember(groupKey: string, personKey: string): void;
  addChildGroup(parentKey: string, childKey: string): void;
  removeChildGroup(parentKey: string, childKey: string): void;
}

export class DirectoryStateError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryStateError';
  }
}

const DAY = 86_400_000;
const personKeyOf = (index: number) => `p${String(index).padStart(6, '0')}`;
const groupKeyOf = (index: number) => `g${String(index).padStart(5, '0')}`;
const keyIndex = (key: string, prefix: string): number | undefined => {
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
};

/** First position in [0, length) whose value is > target; `valueAt` must be ascending. */
function upperBound(length: number, target: number, valueAt: (i: number) => number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Wraps a generated company (taken over, not copied) in a mutable, indexed directory.
 * Generated timestamps are deterministic and lie in the past, so `lastUpdated gt` filters work.
 */
export function createDirectoryState(company: Company, options: DirectoryStateOptions = {}): DirectoryState {
  const clock = options.now ?? Date.now;
  const people: PersonRecord[] = [];
  const groups: GroupRecord[] = [];
  const personByKey = new Map<string, PersonRecord>();
  const groupByKey = new Map<string, GroupRecord>();
  // person -> groups, built on first use (1M memberships: not worth paying at startup)
  let groupsOfIndex: Map<string, Set<string>> | undefined;
  const parentsOf = new Map<string, Set<string>>();
  const journal: ChangeEntry[] = [];
  let seq = 0;
  let version = 0;
  let lastStamp = 0;
  let membershipCount = 0;

  for (const p of company.people) {
    const createdMs = Date.parse(p.created);
    // deterministic "last edit" between 1 and ~200 days after creation
    const updated = new Date(createdMs + DAY + ((p.index * 7919) % 200) * DAY + (p.index % 1000) * 1000).toISOString();
    // a fresh literal (not Object.assign) keeps one hidden class for all records: faster reads
    const record: PersonRecord = {
      key: p.key,
      index: p.index,
      givenName: p.givenName,
      familyName: p.familyName,
      displayName: p.displayName,
      email: p.email,
      login: p.login,
      department: p.department,
      title: p.title,
      employeeNumber: p.employeeNumber,
      managerKey: p.managerKey,
      orgUnitPath: p.orgUnitPath,
      state: p.state,
      created: p.created,
      lastUpdated: updated,
      stateChanged: updated,
    };
    people.push(record);
    personByKey.set(p.key, record);
  }
  const groupEpoch = Date.UTC(2023, 11, 1);
  for (const g of company.groups) {
    const record: GroupRecord = {
      key: g.key,
      index: g.index,
      name: g.name,
      description: g.description,
      kind: g.kind,
      memberKeys: g.memberKeys,
      childGroupKeys: g.childGroupKeys,
      created: new Date(groupEpoch + g.index * 60_000).toISOString(),
      lastUpdated: new Date(groupEpoch + g.index * 60_000 + 30 * DAY).toISOString(),
      lastMembershipUpdated: new Date(Date.UTC(2024, 9, 1) + g.index * 1000).toISOString(),
    };
    groups.push(record);
    groupByKey.set(g.key, record);
    membershipCount += g.memberKeys.length;
    for (const c of g.childGroupKeys) {
      let set = parentsOf.get(c);
      if (!set) parentsOf.set(c, (set = new Set()));
      set.add(g.key);
    }
  }
  let nextPersonIndex = people.length ? people[people.length - 1]!.index + 1 : 0;
  let nextGroupIndex = groups.length ? groups[groups.length - 1]!.index + 1 : 0;

  const groupsOfMap = () => {
    if (!groupsOfIndex) {
      groupsOfIndex = new Map();
      for (const g of groups) {
        for (const m of g.memberKeys) {
          let set = groupsOfIndex.get(m);
          if (!set) groupsOfIndex.set(m, (set = new Set()));
          set.add(g.key);
        }
      }
    }
    return groupsOfIndex;
  };

  const stamp = (): string => {
    lastStamp = Math.max(clock(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  };
  const record = (entry: Omit<ChangeEntry, 'seq'>) => {
    version++;
    journal.push({ seq: ++seq, ...entry });
  };
  const mustPerson = (key: string) => {
    const p = personByKey.get(key);
    if (!p) throw new DirectoryStateError('not_found', `no person ${key}`);
    return p;
  };
  const mustGroup = (key: string) => {
    const g = groupByKey.get(key);
    if (!g) throw new DirectoryStateError('not_found', `no group ${key}`);
    return g;
  };
  const personPositionAfter = (index: number) => upperBound(people.length, index, (i) => people[i]!.index);
  const groupPositionAfter = (index: number) => upperBound(groups.length, index, (i) => groups[i]!.index);
  const memberIndex = (key: string) => personByKey.get(key)?.index ?? keyIndex(key, 'p') ?? -1;
  const memberPositionAfter = (groupKey: string, index: number) => {
    const g = mustGroup(groupKey);
    return upperBound(g.memberKeys.length, index, (i) => memberIndex(g.memberKeys[i]!));
  };

  const state: DirectoryState = {
    domain: company.domain,
    people,
    groups,
    journal,
    get lastSeq() {
      return seq;
    },
    get version() {
      return version;
    },
    memberships: () => membershipCount,
    person: (key) => personByKey.get(key),
    group: (key) => groupByKey.get(key),
    personPositionAfter,
    groupPositionAfter,
    memberPositionAfter,
    indexOfPersonKey: (key) => personByKey.get(key)?.index ?? keyIndex(key, 'p'),
    indexOfGroupKey: (key) => groupByKey.get(key)?.index ?? keyIndex(key, 'g'),
    groupsOfPerson(key) {
      const keys = groupsOfMap().get(key);
      if (!keys) return [];
      return [...keys].map((k) => groupByKey.get(k)!).sort((a, b) => a.index - b.index);
    },
    parentsOfGroup(key) {
      const keys = parentsOf.get(key);
      if (!keys) return [];
      return [...keys].map((k) => groupByKey.get(k)!).sort((a, b) => a.index - b.index);
    },
    changesSince(after) {
      const from = upperBound(journal.length, after, (i) => journal[i]!.seq);
      return journal.slice(from);
    },

    addPerson(partial = {}) {
      const index = nextPersonIndex++;
      const key = partial.key ?? personKeyOf(index);
      if (personByKey.has(key)) throw new DirectoryStateError('conflict', `person ${key} exists`);
      const at = stamp();
      const givenName = partial.givenName ?? 'New';
      const familyName = partial.familyName ?? `Person ${index}`;
      const local = `new.person${index}`;
      const email = partial.email === undefined ? `${local}@${company.domain}` : partial.email;
      const p: PersonRecord = {
        key,
        index,
        givenName,
        familyName,
        displayName: partial.displayName ?? `${givenName} ${familyName}`,
        email,
        login: partial.login ?? email ?? `svc-${local}`,
        department: partial.department ?? company.departments[0] ?? 'General',
        title: partial.title ?? 'Associate',
        employeeNumber: partial.employeeNumber ?? String(100000 + index),
        managerKey: partial.managerKey ?? null,
        orgUnitPath: partial.orgUnitPath ?? '/',
        state: partial.state ?? 'active',
        created: at,
        lastUpdated: at,
        stateChanged: at,
      };
      people.push(p);
      personByKey.set(key, p);
      record({ at, type: 'person.created', personKey: key });
      return p;
    },
    updatePerson(key, patch) {
      const p = mustPerson(key);
      const fields = Object.keys(patch).filter((f) => f !== 'state' && (patch as Record<string, unknown>)[f] !== undefined);
      if (patch.state !== undefined && patch.state !== p.state) state.setState(key, patch.state);
      if (fields.length === 0) return p;
      const at = stamp();
      const { state: _ignored, ...rest } = patch;
      Object.assign(p, rest, { lastUpdated: at });
      record({ at, type: 'person.updated', personKey: key, fields });
      return p;
    },
    setState(key, next) {
      const p = mustPerson(key);
      if (p.state === next) return p;
      const at = stamp();
      const previousState = p.state;
      p.state = next;
      p.lastUpdated = at;
      p.stateChanged = at;
      record({ at, type: 'person.state_changed', personKey: key, previousState });
      return p;
    },
    deletePerson(key) {
      const p = mustPerson(key);
      for (const gk of groupsOfMap().get(key) ?? []) state.removeMember(gk, key);
      groupsOfMap().delete(key);
      people.splice(personPositionAfter(p.index) - 1, 1);
      personByKey.delete(key);
      // stamped after the cascaded member removals: journal times stay increasing
      const at = stamp();
      record({ at, type: 'person.deleted', personKey: key, deleted: { ...p } });
    },
    addGroup(partial = {}) {
      const index = nextGroupIndex++;
      const key = partial.key ?? groupKeyOf(index);
      if (groupByKey.has(key)) throw new DirectoryStateError('conflict', `group ${key} exists`);
      const at = stamp();
      const g: GroupRecord = {
        key,
        index,
        name: partial.name ?? `New group ${index}`,
        description: partial.description ?? '',
        kind: partial.kind ?? 'team',
        memberKeys: [],
        childGroupKeys: [],
        created: at,
        lastUpdated: at,
        lastMembershipUpdated: at,
      };
      groups.push(g);
      groupByKey.set(key, g);
      record({ at, type: 'group.created', groupKey: key });
      for (const m of partial.memberKeys ?? []) state.addMember(key, m);
      for (const c of partial.childGroupKeys ?? []) state.addChildGroup(key, c);
      return g;
    },
    updateGroup(key, patch) {
      const g = mustGroup(key);
      const fields = Object.keys(patch).filter((f) => (patch as Record<string, unknown>)[f] !== undefined);
      if (fields.length === 0) return g;
      const at = stamp();
      Object.assign(g, patch, { lastUpdated: at });
      record({ at, type: 'group.updated', groupKey: key, fields });
      return g;
    },
    deleteGroup(key) {
      const g = mustGroup(key);
      const at = stamp();
      for (const m of g.memberKeys) groupsOfMap().get(m)?.delete(key);
      membershipCount -= g.memberKeys.length;
      for (const parentKey of parentsOf.get(key) ?? []) {
        const parent = groupByKey.get(parentKey);
        if (parent) parent.childGroupKeys = parent.childGroupKeys.filter((c) => c !== key);
      }
      parentsOf.delete(key);
      for (const c of g.childGroupKeys) parentsOf.get(c)?.delete(key);
      groups.splice(groupPositionAfter(g.index) - 1, 1);
      groupByKey.delete(key);
      record({ at, type: 'group.deleted', groupKey: key, deleted: { ...g, memberKeys: [...g.memberKeys] } });
    },
    addMember(groupKey, personKey) {
      const g = mustGroup(groupKey);
      const p = mustPerson(personKey);
      let set = groupsOfMap().get(personKey);
      if (set?.has(groupKey)) return;
      if (!set) groupsOfMap().set(personKey, (set = new Set()));
      set.add(groupKey);
      g.memberKeys.splice(memberPositionAfter(groupKey, p.index), 0, personKey);
      membershipCount++;
      const at = stamp();
      g.lastMembershipUpdated = at;
      record({ at, type: 'member.added', groupKey, personKey });
    },
    removeMember(groupKey, personKey) {
      const g = mustGroup(groupKey);
      const set = groupsOfMap().get(personKey);
      if (!set?.has(groupKey)) throw new DirectoryStateError('not_found', `${personKey} is not a member of ${groupKey}`);
      set.delete(groupKey);
      const pos = memberPositionAfter(groupKey, memberIndex(personKey)) - 1;
      if (g.memberKeys[pos] === personKey) g.memberKeys.splice(pos, 1);
      else g.memberKeys = g.memberKeys.filter((k) => k !== personKey);
      membershipCount--;
      const at = stamp();
      g.lastMembershipUpdated = at;
      record({ at, type: 'member.removed', groupKey, personKey });
    },
    addChildGroup(parentKey, childKey) {
      const parent = mustGroup(parentKey);
      mustGroup(childKey);
      if (parent.childGroupKeys.includes(childKey)) return;
      if (parentKey === childKey || isAncestor(childKey, parentKey)) {
        throw new DirectoryStateError('invalid', `adding ${childKey} under ${parentKey} would form a cycle`);
      }
      parent.childGroupKeys.push(childKey);
      let set = parentsOf.get(childKey);
      if (!set) parentsOf.set(childKey, (set = new Set()));
      set.add(parentKey);
      const at = stamp();
      parent.lastMembershipUpdated = at;
      record({ at, type: 'child.added', groupKey: parentKey, childGroupKey: childKey });
    },
    removeChildGroup(parentKey, childKey) {
      const parent = mustGroup(parentKey);
      if (!parent.childGroupKeys.includes(childKey)) throw new DirectoryStateError('not_found', `${childKey} is not a child of ${parentKey}`);
      parent.childGroupKeys = parent.childGroupKeys.filter((c) => c !== childKey);
      parentsOf.get(childKey)?.delete(parentKey);
      const at = stamp();
      parent.lastMembershipUpdated = at;
      record({ at, type: 'child.removed', groupKey: parentKey, childGroupKey: childKey });
    },
  };

  /** True when `ancestor` is reachable from `key` going down through children. */
  function isAncestor(key: string, target: string): boolean {
    const seen = new Set<string>();
    const stack = [key];
    while (stack.length) {
      const k = stack.pop()!;
      if (k === target) return true;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...(groupByKey.get(k)?.childGroupKeys ?? []));
    }
    return false;
  }

  return state;
}
