/**
 * The subset of the users.list `query` language the emulator understands: space-separated clauses
 * `field<op>value` (implicit AND), `=` exact (case-insensitive), `:` word/contains, `:prefix*`,
 * single-quoted values with spaces; `orgUnitPath=` also matches sub-units.
 * https://developers.google.com/admin-sdk/directory/v1/guides/search-users
 */
import type { PersonRecord } from '../shared/directory-state.js';

export type UserPredicate = (p: PersonRecord, rendered: { primaryEmail: string; suspended: boolean; archived: boolean; isAdmin: boolean }) => boolean;

const CLAUSE = /([A-Za-z.]+)(=|:)('([^']*)'|"([^"]*)"|(\S+))/g;

/** A predicate, or an error text for a clause the emulator cannot evaluate (400 invalid). */
export function parseUserQuery(query: string): UserPredicate | string {
  const tests: UserPredicate[] = [];
  let consumed = '';
  for (const m of query.matchAll(CLAUSE)) {
    consumed += m[0];
    const field = m[1]!;
    const op = m[2]!;
    const value = (m[4] ?? m[5] ?? m[6] ?? '').toLowerCase();
    const text = textMatcher(op, value);
    const bool = value === 'true';
    switch (field) {
      case 'email':
        tests.push((_p, r) => text(r.primaryEmail));
        break;
      case 'givenName':
        tests.push((p) => text(p.givenName));
        break;
      case 'familyName':
        tests.push((p) => text(p.familyName));
        break;
      case 'name':
        tests.push((p) => text(p.displayName));
        break;
      case 'isSuspended':
        tests.push((_p, r) => r.suspended === bool);
        break;
      case 'isArchived':
        tests.push((_p, r) => r.archived === bool);
        break;
      case 'isAdmin':
        tests.push((_p, r) => r.isAdmin === bool);
        break;
      case 'externalId':
        tests.push((p) => text(p.employeeNumber));
        break;
      case 'orgTitle':
        tests.push((p) => text(p.title));
        break;
      case 'orgDepartment':
        tests.push((p) => text(p.department));
        break;
      case 'orgUnitPath':
        tests.push((p) => {
          const path = p.orgUnitPath.toLowerCase();
          return value === '/' || path === value || path.startsWith(`${value}/`);
        });
        break;
      default:
        return `Invalid field in query: ${field}`;
    }
  }
  if (consumed.replace(/\s+/g, '') !== query.replace(/\s+/g, '')) return 'Invalid Input: query';
  return (p, r) => tests.every((t) => t(p, r));
}

function textMatcher(op: string, value: string): (s: string) => boolean {
  if (op === '=') return (s) => s.toLowerCase() === value;
  if (value.endsWith('*')) {
    const prefix = value.slice(0, -1);
    return (s) => s.toLowerCase().split(/[\s.@-]+/).some((w) => w.startsWith(prefix)) || s.toLowerCase().startsWith(prefix);
  }
  return (s) => s.toLowerCase().includes(value);
}
