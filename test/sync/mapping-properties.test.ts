import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMapping,
  compileMapping,
  mergeWithDefaults,
  normalizeEmail,
  validateEmail,
  type CompiledMapping,
} from '../../src/sync/mapping/index.js';

function compile(mapping: Record<string, string>): CompiledMapping {
  const result = compileMapping(mapping);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.mapping;
}

function valueOf(expression: string, raw: unknown): string | null {
  return applyMapping(compile({ 'attributes.x': expression }), raw).values.attributes['x'] ?? null;
}

const finalForm = (s: string): string | null => s.trim() || null;
const escapeTemplateText = (s: string): string => s.replaceAll('{', '{{').replaceAll('}', '}}');
const quote = (s: string): string => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

// Text biased towards the language's own punctuation, so the parser's error paths are exercised.
const languageChar = fc.constantFrom(...'{}()[]",.=\\-_ $aZé0123456789lowerupptimdfacsjn\t'.split(''));
const languageText = fc.oneof(
  fc.string({ unit: languageChar, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('lower(', '{a', 'a}', '"', '\\', '{{', '[', '[x=', 'default(', 'split(a, "/", ').chain((prefix) =>
    fc.string({ unit: languageChar, maxLength: 20 }).map((rest) => prefix + rest),
  ),
);

const identifier = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,8}$/);
const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
);
const scalarText = (value: string | number | boolean): string => (typeof value === 'string' ? value : String(value));

type Step =
  | { kind: 'key'; key: string }
  | { kind: 'quoted'; key: string }
  | { kind: 'index'; index: number; length: number }
  | { kind: 'select'; key: string; value: string; decoys: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  identifier.map((key) => ({ kind: 'key' as const, key })),
  fc.string({ unit: 'binary', maxLength: 8 }).map((key) => ({ kind: 'quoted' as const, key })),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([index, extra]) => ({ kind: 'index' as const, index, length: index + extra })),
  fc.tuple(identifier, fc.stringMatching(/^[A-Za-z0-9]{1,6}$/), fc.integer({ min: 0, max: 3 })).map(([key, value, decoys]) => ({
    kind: 'select' as const,
    key,
    value,
    decoys,
  })),
);

/** Wraps `inner` so that `steps` leads to it, with decoy elements where a step reads an array. */
function build(steps: readonly Step[], leaf: unknown): unknown {
  return steps.reduceRight<unknown>((inner, s) => {
    switch (s.kind) {
      case 'key':
      case 'quoted':
        return Object.fromEntries([[s.key, inner]]);
      case 'index':
        return Array.from({ length: s.length }, (_, i) => (i === s.index ? inner : { decoy: i }));
      case 'select': {
        const decoys = Array.from({ length: s.decoys }, (_, i) => Object.fromEntries([[s.key, `${s.value}~${i}`], ['decoy', true]]));
        return [...decoys, { ...(inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? inner : {}), [s.key]: s.value, __leaf: inner }];
      }
    }
  }, leaf);
}

function pathText(steps: readonly Step[]): string {
  return steps
    .map((s, i) => {
      switch (s.kind) {
        case 'key':
          return i === 0 ? s.key : `.${s.key}`;
        case 'quoted':
          return `[${quote(s.key)}]`;
        case 'index':
          return `[${s.index}]`;
        case 'select':
          return `[${s.key}=${s.value}].__leaf`;
      }
    })
    .join('');
}

describe('mapping properties', () => {
  it('compileMapping never throws on arbitrary text; errors name the target and a position inside the expression', () => {
    fc.assert(
      fc.property(languageText, (expression) => {
        const result = compileMapping({ displayName: expression });
        if (result.ok) return;
        for (const error of result.errors) {
          expect(error.target).toBe('displayName');
          expect(error.message.startsWith('displayName: ')).toBe(true);
          expect(error.message.endsWith(`; ${error.hint}`)).toBe(true);
          expect(error.position).toBeGreaterThanOrEqual(1);
          expect(error.position).toBeLessThanOrEqual(expression.length + 1);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('compileMapping never throws on arbitrary target names', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 80 }), fc.string({ maxLength: 20 })), (mapping) => {
        const result = compileMapping(mapping);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('whatever compiles evaluates any JSON record without throwing, to trimmed non-empty strings or null', () => {
    const compiled = fc.array(languageText, { minLength: 1, maxLength: 4 }).chain((expressions) => {
      const ok = expressions.filter((e) => compileMapping({ email: e }).ok);
      return fc.constant(ok.length > 0 ? ok : ['a[0].b']);
    });
    fc.assert(
      fc.property(compiled, fc.jsonValue({ maxDepth: 4 }), (expressions, raw) => {
        const mapping = compile(Object.fromEntries(expressions.map((e, i) => [`attributes.a${i}`, e])));
        const { values, missing } = applyMapping(mapping, raw);
        for (const value of Object.values(values.attributes)) {
          if (value !== null) expect(value).toBe(value.trim());
          expect(value).not.toBe('');
        }
        expect(new Set(missing).size).toBe(missing.length);
      }),
      { numRuns: 500 },
    );
  });

  it('a path into a generated nested record returns the scalar it leads to', () => {
    fc.assert(
      fc.property(identifier, fc.array(step, { maxLength: 5 }), scalar, (root, steps, leaf) => {
        const all: Step[] = [{ kind: 'key', key: root }, ...steps];
        const raw = build(all, leaf);
        const expression = pathText(all);
        const expected = finalForm(scalarText(leaf));
        const { values, missing } = applyMapping(compile({ 'attributes.x': expression }), raw);
        expect(values.attributes['x']).toBe(expected);
        expect(missing).toEqual(expected === null ? [expression] : []);
      }),
      { numRuns: 500 },
    );
  });

  it('a path to an object or array is missing, never stringified', () => {
    fc.assert(
      fc.property(identifier, fc.oneof(fc.array(scalar), fc.dictionary(identifier, scalar)), (key, inner) => {
        expect(applyMapping(compile({ givenName: key }), { [key]: inner })).toEqual({
          values: { email: null, givenName: null, familyName: null, displayName: null, attributes: {} },
          missing: [key],
        });
      }),
    );
  });

  it('templates of literal text round-trip through {{ }} escaping', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replaceAll('"', ''));
    fc.assert(
      fc.property(text, text, fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), (before, after, value) => {
        fc.pre(value.trim() !== '');
        const expression = `${escapeTemplateText(before)}{v}${escapeTemplateText(after)}`;
        expect(valueOf(expression, { v: value })).toBe(finalForm(before + value + after));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(text, text, (before, after) => {
        const literal = `${before}{${after}`;
        expect(valueOf(escapeTemplateText(literal), {})).toBe(finalForm(literal));
      }),
    );
  });

  it('quoted text round-trips through \\" and \\\\ escaping', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(valueOf(quote(text), {})).toBe(finalForm(text));
      }),
    );
  });

  it('default, join and concat agree with their definitions on arbitrary values', () => {
    const maybe = fc.option(fc.string({ unit: 'binary', maxLength: 8 }), { nil: undefined });
    fc.assert(
      fc.property(maybe, maybe, (a, b) => {
        const raw = { a, b };
        const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';
        expect(valueOf('default(a, b)', raw)).toBe(finalForm((blank(a) ? b : a) ?? ''));
        expect(valueOf('join("-", a, b)', raw)).toBe(finalForm([a, b].filter((s) => !blank(s)).join('-')));
        expect(valueOf('concat(a, b)', raw)).toBe(finalForm(`${blank(a) ? '' : a}${blank(b) ? '' : b}`));
      }),
    );
  });

  it('normalizeEmail is idempotent, and validateEmail never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.emailAddress()), (email) => {
        const once = normalizeEmail(email);
        expect(normalizeEmail(once)).toBe(once);
        const problem = validateEmail(email);
        expect(problem === null || typeof problem === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('validateEmail accepts generated addresses within the length limits', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        fc.pre(email.length <= 254 && email.indexOf('@') <= 64);
        expect(validateEmail(email)).toBeNull();
      }),
    );
  });

  it('mergeWithDefaults: an override wins, a blank or null override removes, other defaults stay', () => {
    const mapping = fc.dictionary(identifier, fc.string({ maxLength: 6 }));
    const overrides = fc.dictionary(identifier, fc.option(fc.constantFrom('', ' ', 'x', 'profile.y'), { nil: null }));
    fc.assert(
      fc.property(mapping, overrides, (defaults, over) => {
        const merged = mergeWithDefaults(defaults, over);
        for (const key of new Set([...Object.keys(defaults), ...Object.keys(over)])) {
          const o = Object.hasOwn(over, key) ? over[key] : undefined;
          const expected = o === undefined ? (Object.hasOwn(defaults, key) ? defaults[key] : undefined) : o === null || o.trim() === '' ? undefined : o;
          expect(Object.hasOwn(merged, key) ? merged[key] : undefined).toBe(expected);
        }
      }),
    );
  });
});
