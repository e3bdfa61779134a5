/**
 * The connectors keep the JSON a guard checked, not zod's copy (src/providers/checked.ts). That is
 * right only while those guards change nothing: no transform, default, coercion or catch anywhere
 * inside them. This walks every guard the connectors check pages and records with.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { checked } from '../../src/providers/checked.js';
import * as okta from '../../src/providers/okta/wire.js';
import * as google from '../../src/providers/google/wire.js';
import * as entra from '../../src/providers/entra/wire.js';

/** zod 4 definition kinds that make a parse's output differ from its input. */
const CHANGING = new Set(['transform', 'default', 'prefault', 'catch', 'pipe', 'success']);

function changes(schema: z.ZodType, path: string, seen = new Set<z.ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const found = CHANGING.has(def.type) || def.coerce === true ? [`${path}: ${def.type}${def.coerce ? ' (coerce)' : ''}`] : [];
  const inner: Array<[string, unknown]> = [];
  if (def.type === 'object') for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) inner.push([`${path}.${k}`, v]);
  for (const key of ['element', 'innerType', 'keyType', 'valueType', 'catchall', 'left', 'right', 'in', 'out', 'rest']) if (def[key]) inner.push([`${path}<${key}>`, def[key]]);
  if (Array.isArray(def.options)) def.options.forEach((o, i) => inner.push([`${path}|${i}`, o]));
  return [...found, ...inner.flatMap(([p, s]) => changes(s as z.ZodType, p, seen))];
}

const guards: Record<string, z.ZodType> = {
  'okta users page': z.array(okta.oktaUserGuard), 'okta groups page': z.array(okta.oktaGroupGuard), 'okta members page': z.array(okta.oktaMemberGuard),
  'google users page': google.usersPageGuard, 'google groups page': google.groupsPageGuard, 'google members page': google.membersPageGuard,
  'google org units': google.orgUnitsGuard, 'google user': google.googleUserGuard, 'google group': google.googleGroupGuard,
  'entra users page': entra.graphPageGuard(entra.graphUserGuard), 'entra groups page': entra.graphPageGuard(entra.graphGroupGuard),
  'entra members page': entra.graphPageGuard(entra.directoryObjectGuard), 'entra user changes': entra.graphPageGuard(entra.deltaUserGuard),
  'entra group changes': entra.graphPageGuard(entra.deltaGroupGuard), 'entra member changes': entra.graphPageGuard(entra.deltaMemberGuard),
};

describe('guards whose input is kept', () => {
  for (const [name, guard] of Object.entries(guards)) {
    it(`${name}: nothing inside changes what it checks`, () => {
      expect(changes(guard, name)).toEqual([]);
    });
  }

  it('the walk finds what would change a record (so an empty list means something)', () => {
    expect(changes(z.object({ a: z.string().default('x'), b: z.array(z.coerce.number()), c: z.string().transform((s) => s.trim()).optional() }), 'g')).toEqual([
      'g.a: default', 'g.b<element>: number (coerce)', 'g.c<innerType>: pipe', 'g.c<innerType><out>: transform',
    ]);
  });

  it('keeps the very object it was given, and refuses what does not match', () => {
    const body = { users: [{ id: '1', primaryEmail: 'a@x.test', name: { fullName: 'Ünal' }, extra: { deep: true } }] };
    const r = checked(google.usersPageGuard, body);
    expect(r.success && r.data).toBe(body);
    expect(checked(google.usersPageGuard, { users: [{ primaryEmail: 'a@x.test' }] }).success).toBe(false);
  });
});
