/**
 * Paged sources for the plain Graph collections: /users, /groups, /groups/{id}/members and
 * /groups/{id}/transitiveMembers. Each reads from any position in O(log n + page size): positions
 * are "after record index", so deleting a record mid-listing does not shift later pages.
 */
import type { DirectoryState, GroupRecord } from '../shared/directory-state.js';
import type { PagedSource } from './paging.js';
import { GROUP_DEFAULT_FIELDS, GROUP_TYPE, USER_DEFAULT_FIELDS, USER_TYPE, project, renderGroup, renderUser } from './graph-render.js';
import type { EntraIds } from './graph-render.js';

export interface RenderOptions {
  ids: EntraIds;
  domain: string;
  /** Selected fields, or null for the default projection. */
  select: string[] | null;
  /** Without User.Read.All, users inside member lists show only `@odata.type` and `id`. */
  limitedUsers?: boolean;
}

const num = (c: unknown, fallback: number) => (typeof c === 'number' && Number.isInteger(c) ? c : fallback);

export function usersSource(state: DirectoryState, o: RenderOptions): PagedSource<number> {
  const fields = o.select ?? USER_DEFAULT_FIELDS;
  return {
    read(cursor, top) {
      const pos = state.personPositionAfter(num(cursor, -1));
      const slice = state.people.slice(pos, pos + top);
      const items = slice.map((p) => project(renderUser(p, o.ids, o.domain), fields));
      const last = slice[slice.length - 1];
      return { items, next: pos + top < state.people.length && last ? last.index : null };
    },
  };
}

export function groupsSource(state: DirectoryState, o: RenderOptions): PagedSource<number> {
  const fields = o.select ?? GROUP_DEFAULT_FIELDS;
  return {
    read(cursor, top) {
      const pos = state.groupPositionAfter(num(cursor, -1));
      const slice = state.groups.slice(pos, pos + top);
      const items = slice.map((g) => project(renderGroup(g, o.ids, o.domain), fields));
      const last = slice[slice.length - 1];
      return { items, next: pos + top < state.groups.length && last ? last.index : null };
    },
  };
}

export function memberUser(state: DirectoryState, key: string, o: RenderOptions): Record<string, unknown> | null {
  const p = state.person(key);
  if (!p) return null;
  if (o.limitedUsers) return { '@odata.type': USER_TYPE, id: o.ids.user(key) };
  const full = renderUser(p, o.ids, o.domain);
  return { '@odata.type': USER_TYPE, ...project(full, o.select ? o.select.filter((f) => f in full) : USER_DEFAULT_FIELDS) };
}

export function memberGroup(state: DirectoryState, key: string, o: RenderOptions): Record<string, unknown> | null {
  const g = state.group(key);
  if (!g) return null;
  const full = renderGroup(g, o.ids, o.domain);
  return { '@odata.type': GROUP_TYPE, ...project(full, o.select ? o.select.filter((f) => f in full) : GROUP_DEFAULT_FIELDS) };
}

/** Direct members: people (ordered by index), then nested groups. Cursor: [phase, position]. */
export function membersSource(state: DirectoryState, group: GroupRecord, o: RenderOptions): PagedSource<[number, number]> {
  return {
    read(cursor, top) {
      const phase = Array.isArray(cursor) ? num(cursor[0], 0) : 0;
      const after = Array.isArray(cursor) ? num(cursor[1], -1) : -1;
      const items: unknown[] = [];
      let next: [number, number] | null = null;
      if (phase === 0) {
        const pos = state.memberPositionAfter(group.key, after);
        const keys = group.memberKeys.slice(pos, pos + top);
        for (const k of keys) {
          const m = memberUser(state, k, o);
          if (m) items.push(m);
        }
        if (pos + top < group.memberKeys.length) return { items, next: [0, state.indexOfPersonKey(keys[keys.length - 1]!) ?? after] };
      }
      const start = phase === 1 ? after + 1 : 0;
      const room = top - items.length;
      const children = group.childGroupKeys.slice(start, start + room);
      for (const k of children) {
        const m = memberGroup(state, k, o);
        if (m) items.push(m);
      }
      if (start + room < group.childGroupKeys.length) next = [1, start + children.length - 1];
      return { items, next };
    },
  };
}

/** Every user and group below a group (through nested groups), each once. */
export function transitiveMembersSource(state: DirectoryState, group: GroupRecord, o: RenderOptions, cache: Map<string, { version: number; refs: string[] }>): PagedSource<number> {
  let entry = cache.get(group.key);
  if (!entry || entry.version !== state.version) {
    const refs: string[] = [];
    const seen = new Set<string>();
    const stack = [group.key];
    const visited = new Set<string>();
    while (stack.length) {
      const gk = stack.pop()!;
      if (visited.has(gk)) continue; // cycles are impossible in the state, but be safe
      visited.add(gk);
      const g = state.group(gk);
      if (!g) continue;
      for (const ref of [...g.memberKeys, ...g.childGroupKeys]) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        refs.push(ref);
      }
      stack.push(...g.childGroupKeys);
    }
    entry = { version: state.version, refs };
    cache.set(group.key, entry);
  }
  const refs = entry.refs;
  return {
    read(cursor, top) {
      const start = num(cursor, 0);
      const items = refs
        .slice(start, start + top)
        .map((k) => (k.startsWith('p') ? memberUser(state, k, o) : memberGroup(state, k, o)))
        .filter((m) => m != null);
      return { items, next: start + top < refs.length ? start + top : null };
    },
  };
}
