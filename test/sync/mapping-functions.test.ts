import { describe, expect, it } from 'vitest';
import { applyMapping, compileMapping, MAPPING_FUNCTIONS } from '../../src/sync/mapping/index.js';

const record = {
  first: 'Ada',
  last: 'Lovelace',
  padded: '  Ada  ',
  upn: 'ada.lovelace@corp.example',
  path: '/Sales/EMEA/North',
  emoji: '👩‍💻Ada🎉',
  dollar: 'a$b',
  blank: ' ',
  count: 3,
  list: ['x'],
  nothing: null,
};

function run(expression: string): { value: string | null; missing: string[] } {
  const compiled = compileMapping({ 'attributes.x': expression });
  if (!compiled.ok) throw new Error(compiled.errors[0]!.message);
  const { values, missing } = applyMapping(compiled.mapping, record);
  return { value: values.attributes['x'] ?? null, missing };
}

describe('mapping functions', () => {
  it.each<[string, string | null]>([
    ['lower(upn)', 'ada.lovelace@corp.example'],
    ['lower("ÀÉÎ İSTANBUL")', 'àéî i̇stanbul'],
    ['upper(first)', 'ADA'],
    ['upper("straße")', 'STRASSE'],
    ['trim(padded)', 'Ada'],
    ['concat("[", padded, "]")', '[  Ada  ]'],
    ['concat("[", trim(padded), "]")', '[Ada]'],
    ['default(first, last)', 'Ada'],
    ['default(blank, nothing, last)', 'Lovelace'],
    ['default("", " ", "x")', 'x'],
    ['default(default(nothing, blank), first)', 'Ada'],
    ['default(nothing, join(" ", first, last))', 'Ada Lovelace'],
    ['replace(upn, "@corp.example", "@acme.example")', 'ada.lovelace@acme.example'],
    ['replace(upn, ".", "")', 'adalovelace@corpexample'],
    ['replace(dollar, "$", "$&$&")', 'a$&$&b'],
    ['replace(first, "", "x")', 'Ada'],
    ['replace(first, nothing, "x")', 'Ada'],
    ['replace(first, "a", nothing)', 'Ad'],
    ['replace(first, "Ada", "")', null],
    ['replace("say \\"hi\\" \\\\o/", "\\"", "\'")', "say 'hi' \\o/"],
    ['split(upn, "@", 0)', 'ada.lovelace'],
    ['split(upn, "@", 1)', 'corp.example'],
    ['split(upn, "@", 2)', null],
    ['split(path, "/", -1)', 'North'],
    ['split(path, "/", 0)', null],
    ['split(path, "/", -4)', null],
    ['split(path, "", 0)', '/Sales/EMEA/North'],
    ['split(split(upn, "@", 0), ".", 1)', 'lovelace'],
    ['join(", ", first, nothing, blank, last)', 'Ada, Lovelace'],
    ['join(" ", nothing, blank)', null],
    ['join(nothing, first, last)', 'AdaLovelace'],
    ['substring(first, 0, 1)', 'A'],
    ['substring(first, 1)', 'da'],
    ['substring(first, -2)', 'da'],
    ['substring(first, 5)', null],
    ['substring(emoji, 0, 1)', '👩'],
    ['substring(emoji, -1)', '🎉'],
    ['concat(first, " ", last)', 'Ada Lovelace'],
    ['concat(nothing, first)', 'Ada'],
    ['concat(nothing, blank)', null],
    ['concat(count, "x", 007)', '3x007'],
    ['concat(substring(first, 0, 1), ". ", upper(last))', 'A. LOVELACE'],
    ['{upper(substring(first, 0, 1))}{substring(last, 0, 1)}', 'AL'],
  ])('%s → %j', (expression, expected) => {
    expect(run(expression).value).toBe(expected);
  });

  it.each(['lower', 'upper', 'trim'])('%s(nothing) is nothing and the path is reported', (name) => {
    expect(run(`${name}(nothing)`)).toEqual({ value: null, missing: ['nothing'] });
  });

  it('reports non-scalar arguments as missing', () => {
    expect(run('concat(first, list)')).toEqual({ value: 'Ada', missing: ['list'] });
  });

  it('stops at the first non-empty default argument without reading the rest', () => {
    expect(run('default(first, absent1, absent2)')).toEqual({ value: 'Ada', missing: [] });
    expect(run('concat(absent0, default(absent1, first))')).toEqual({ value: 'Ada', missing: ['absent0'] });
  });

  it('lists every function with a signature and a summary for the console', () => {
    expect(MAPPING_FUNCTIONS.map((f) => f.name)).toEqual(['lower', 'upper', 'trim', 'default', 'replace', 'split', 'join', 'substring', 'concat']);
    for (const f of MAPPING_FUNCTIONS) {
      expect(f.signature.startsWith(`${f.name}(`)).toBe(true);
      expect(f.summary.length).toBeGreaterThan(10);
    }
  });
});
