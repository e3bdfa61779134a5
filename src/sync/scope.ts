/**
 * The user filter: which directory users this directory syncs. Members of the chosen groups
 * (nested groups expanded) and users in the chosen organizational units (with sub-units); a user
 * matching either is in scope. No filter = everyone.
 */
import type { Memberships } from './plan.js';

export interface GroupGraph {
  /** Transitive user members of a group (cycles in the directory are tolerated). */
  usersOf(groupExternalId: string): ReadonlySet<string>;
}

export function createGroupGraph(memberships: Memberships): GroupGraph {
  const directUsers = (g: string) => memberships.get(g)?.users ?? [];
  const childGroups = (g: string) => memberships.get(g)?.groups ?? [];
  const memo = new Map<string, Set<string>>();
  const usersOf = (root: string): Set<string> => {
    const cached = memo.get(root);
    if (cached) return cached;
    const out = new Set<string>(directUsers(root));
    const stack = [...childGroups(root)];
    const visited = new Set([root]);
    while (stack.length) {
      const g = stack.pop()!;
      if (visited.has(g)) continue;
      visited.add(g);
      for (const u of directUsers(g)) out.add(u);
      for (const c of childGroups(g)) stack.push(c);
    }
    memo.set(root, out);
    return out;
  };
  return { usersOf };
}

export interface UserFilter {
  groups: string[];
  orgUnits: string[];
}

export function isFiltered(filter: UserFilter) {
  return filter.groups.length > 0 || filter.orgUnits.length > 0;
}

/** Returns a predicate: is this directory user in scope? */
export function createScope(filter: UserFilter, graph: GroupGraph): (u: { externalId: string; orgUnitPath: string | null }) => boolean {
  if (!isFiltered(filter)) return () => true;
  const inGroups = new Set<string>();
  for (const g of filter.groups) for (const u of graph.usersOf(g)) inGroups.add(u);
  const units = filter.orgUnits.map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p));
  const inUnit = (path: string | null) =>
    path != null && units.some((unit) => unit === '/' || path === unit || path.startsWith(unit + '/'));
  return (u) => inGroups.has(u.externalId) || inUnit(u.orgUnitPath);
}
