/**
 * Delta query for /users/delta and /groups/delta. A delta token names a position in the state's
 * change journal; a round pages (by `$skiptoken`) either through every record (initial round) or
 * through the records the journal changed since the token, and ends with a fresh `@odata.deltaLink`.
 * Users removed are `@removed: {reason: "changed"}` (Entra soft-deletes users); groups are
 * `"deleted"`. Group rounds carry `members@delta` when `members` is selected; a big group is split
 * across pages. https://learn.microsoft.com/graph/delta-query-overview
 */
import type { ChangeEntry, DirectoryState } from '../shared/directory-state.js';
import type { PagedSource } from './paging.js';
import { GROUP_DEFAULT_FIELDS, GROUP_TYPE, USER_DEFAULT_FIELDS, USER_TYPE, project, renderGroup, renderUser } from './graph-render.js';
import type { EntraIds } from './graph-render.js';

export type DeltaKind = 'users' | 'groups';

/** What a round is about; travels inside its skip tokens and delta tokens. */
export interface DeltaRound {
  k: DeltaKind;
  /** 'i' = initial round (all records), 'c' = changes in (f, t]. */
  m: 'i' | 'c';
  f: number;
  t: number;
  sel: string[] | null;
}

export interface DeltaToken {
  /** Emulator instance: a token from an earlier run of the emulator is unknown. */
  i: string;
  /** Epoch: `invalidateDeltaTokens()` bumps it; older tokens get 410 Gone. */
  e: number;
  k: DeltaKind;
  s: number;
  ts: number;
  sel: string[] | null;
}

const PREFIX = 'eDelta';
export const encodeDeltaToken = (t: DeltaToken) => PREFIX + Buffer.from(JSON.stringify(t)).toString('base64url');

export function decodeDeltaToken(raw: string): DeltaToken | null {
  if (!raw.startsWith(PREFIX)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(raw.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (!v || typeof v !== 'object') return null;
    const o = v as Record<string, unknown>;
    if (typeof o.i !== 'string' || typeof o.e !== 'number' || (o.k !== 'users' && o.k !== 'groups') || typeof o.s !== 'number' || typeof o.ts !== 'number') return null;
    const sel = Array.isArray(o.sel) && o.sel.every((s) => typeof s === 'string') ? (o.sel as string[]) : null;
    return { i: o.i, e: o.e, k: o.k, s: o.s, ts: o.ts, sel };
  } catch {
    return null;
  }
}

export function isDeltaRound(v: unknown): v is DeltaRound {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (o.k === 'users' || o.k === 'groups') && (o.m === 'i' || o.m === 'c') && typeof o.f === 'number' && typeof o.t === 'number';
}

/** Cursor of a delta round: the round plus a position (record index, or offset in the change list) and a member offset. */
export type DeltaCursor = DeltaRound & { a: number; mo?: number };

interface Ctx {
  state: DirectoryState;
  ids: EntraIds;
  domain: string;
}

const userFields = (sel: string[] | null) => sel ?? USER_DEFAULT_FIELDS;
const groupFields = (sel: string[] | null) => (sel ?? GROUP_DEFAULT_FIELDS).filter((f) => f !== 'members');
/** Member references per group page: big groups are split across pages like Graph does. */
const MEMBER_BUDGET = 1000;

function changedKeys(journal: readonly ChangeEntry[], t: number, kind: DeltaKind) {
  const order: string[] = [];
  const groups = new Map<string, { members: Map<string, boolean> }>();
  const touch = (key: string) => {
    let g = groups.get(key);
    if (!g) {
      g = { members: new Map() };
      groups.set(key, g);
      order.push(key);
    }
    return g;
  };
  for (const e of journal) {
    if (e.seq > t) break;
    if (kind === 'users') {
      if (e.personKey && e.type.startsWith('person.')) touch(e.personKey);
      continue;
    }
    if (!e.groupKey) continue;
    if (e.type.startsWith('group.')) touch(e.groupKey);
    else if (e.type === 'member.added' || e.type === 'member.removed') touch(e.groupKey).members.set(e.personKey!, e.type === 'member.removed');
    else if (e.type === 'child.added' || e.type === 'child.removed') touch(e.groupKey).members.set(e.childGroupKey!, e.type === 'child.removed');
  }
  return { order, groups };
}

export function deltaSource(ctx: Ctx, round: DeltaRound, pageSize: number): PagedSource<DeltaCursor> {
  const { state, ids, domain } = ctx;
  const withMembers = round.sel?.includes('members') ?? false;

  const renderUserEntry = (key: string) => {
    const p = state.person(key);
    if (!p) return { id: ids.user(key), '@removed': { reason: 'changed' } };
    return project(renderUser(p, ids, domain), userFields(round.sel), true);
  };
  const memberRef = (key: string, removed: boolean) => ({
    '@odata.type': key.startsWith('p') ? USER_TYPE : GROUP_TYPE,
    id: key.startsWith('p') ? ids.user(key) : ids.group(key),
    ...(removed ? { '@removed': { reason: 'deleted' } } : {}),
  });

  if (round.m === 'i' && round.k === 'users')
    return {
      read(cursor, top) {
        const pos = state.personPositionAfter(cursor?.a ?? -1);
        const slice = state.people.slice(pos, pos + Math.min(top, pageSize));
        const last = slice[slice.length - 1];
        return { items: slice.map((p) => renderUserEntry(p.key)), next: pos + slice.length < state.people.length && last ? { ...round, a: last.index } : null };
      },
    };

  if (round.m === 'i')
    return {
      read(cursor, top) {
        const items: unknown[] = [];
        let budget = MEMBER_BUDGET;
        let pos = cursor?.mo ? state.groupPositionAfter((cursor.a ?? 0) - 1) : state.groupPositionAfter(cursor?.a ?? -1);
        let memberOffset = cursor?.mo ?? 0;
        if (memberOffset && state.groups[pos]?.index !== cursor?.a) memberOffset = 0; // that group is gone
        const limit = Math.min(top, pageSize);
        while (pos < state.groups.length && items.length < limit) {
          const g = state.groups[pos]!;
          const entry = project(renderGroup(g, ids, domain), groupFields(round.sel), true);
          if (withMembers) {
            const refs = [...g.memberKeys, ...g.childGroupKeys];
            const slice = refs.slice(memberOffset, memberOffset + Math.max(1, budget));
            entry['members@delta'] = slice.map((k) => memberRef(k, false));
            budget -= slice.length;
            items.push(entry);
            if (memberOffset + slice.length < refs.length) return { items, next: { ...round, a: g.index, mo: memberOffset + slice.length } };
          } else items.push(entry);
          memberOffset = 0;
          pos++;
          if (budget <= 0) break;
        }
        const last = state.groups[pos - 1];
        return { items, next: pos < state.groups.length && last ? { ...round, a: last.index } : null };
      },
    };

  // a changes round: the records the journal touched in (f, t], in order of first change
  return {
    read(cursor, top) {
      const { order, groups } = changedKeys(state.changesSince(round.f), round.t, round.k);
      const start = cursor?.a ?? 0;
      const keys = order.slice(start, start + Math.min(top, pageSize));
      const items = keys.map((key) => {
        if (round.k === 'users') return renderUserEntry(key);
        const g = state.group(key);
        if (!g) return { id: ids.group(key), '@removed': { reason: 'deleted' } };
        const entry = project(renderGroup(g, ids, domain), groupFields(round.sel), true);
        const members = groups.get(key)!.members;
        if (withMembers && members.size > 0) entry['members@delta'] = [...members].map(([k, removed]) => memberRef(k, removed));
        return entry;
      });
      return { items, next: start + keys.length < order.length ? { ...round, a: start + keys.length } : null };
    },
  };
}
