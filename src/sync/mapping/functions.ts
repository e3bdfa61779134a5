/**
 * The closed set of functions of the mapping language. Each entry states its arity (checked when the
 * mapping is compiled, so a typo never reaches a sync run) and builds an evaluator from its argument
 * evaluators. Functions are total: any input, including null, yields a string or null.
 */
import { isBlank, type Evaluate } from './value.js';

export interface MappingFunction {
  name: string;
  /** How the console shows it: `replace(value, "from", "to")`. */
  signature: string;
  summary: string;
  minArgs: number;
  maxArgs: number;
  /** Argument indexes that must be whole-number literals (`split(x, ",", 0)`). */
  integerArgs: readonly number[];
  build(args: Evaluate[], integers: ReadonlyMap<number, number>): Evaluate;
}

// Characters outside the Basic Multilingual Plane take two UTF-16 units; substring counts characters.
const SURROGATE = /[\uD800-\uDFFF]/;

function unary(name: string, summary: string, apply: (value: string) => string): MappingFunction {
  return {
    name,
    signature: `${name}(value)`,
    summary,
    minArgs: 1,
    maxArgs: 1,
    integerArgs: [],
    build: ([value]) => {
      const arg = value!;
      return (raw, missing) => {
        const v = arg(raw, missing);
        return v === null ? null : apply(v);
      };
    },
  };
}

function integerAt(integers: ReadonlyMap<number, number>, index: number): number | undefined {
  return integers.get(index);
}

export const MAPPING_FUNCTIONS: readonly MappingFunction[] = [
  unary('lower', 'lower-cases the value', (v) => v.toLowerCase()),
  unary('upper', 'upper-cases the value', (v) => v.toUpperCase()),
  unary('trim', 'removes surrounding whitespace', (v) => v.trim()),
  {
    name: 'default',
    signature: 'default(a, b, …)',
    summary: 'the first argument that is not empty; paths it skipped are not reported as missing',
    minArgs: 2,
    maxArgs: Infinity,
    integerArgs: [],
    build: (args) => (raw, missing) => {
      const mark = missing.length;
      for (const arg of args) {
        const v = arg(raw, missing);
        if (!isBlank(v)) {
          // A fallback that worked means nothing is missing for this value.
          missing.length = mark;
          return v;
        }
      }
      return null;
    },
  },
  {
    name: 'replace',
    signature: 'replace(value, "from", "to")',
    summary: 'replaces every occurrence of "from" (plain text, not a pattern) with "to"',
    minArgs: 3,
    maxArgs: 3,
    integerArgs: [],
    build: ([value, from, to]) => (raw, missing) => {
      const v = value!(raw, missing);
      if (v === null) return null;
      const f = from!(raw, missing);
      if (f === null || f === '') return v;
      // split/join rather than replaceAll: "$&" in the replacement must stay literal.
      return v.split(f).join(to!(raw, missing) ?? '');
    },
  },
  {
    name: 'split',
    signature: 'split(value, "separator", index)',
    summary: 'the index-th part (0 is the first, -1 the last) of the value cut at each separator',
    minArgs: 3,
    maxArgs: 3,
    integerArgs: [2],
    build: ([value, separator], integers) => {
      const index = integerAt(integers, 2) ?? 0;
      return (raw, missing) => {
        const v = value!(raw, missing);
        if (v === null) return null;
        const sep = separator!(raw, missing);
        const parts = sep === null || sep === '' ? [v] : v.split(sep);
        return parts.at(index) ?? null;
      };
    },
  },
  {
    name: 'join',
    signature: 'join("separator", a, b, …)',
    summary: 'the non-empty values joined with the separator',
    minArgs: 2,
    maxArgs: Infinity,
    integerArgs: [],
    build: ([separator, ...values]) => (raw, missing) => {
      const sep = separator!(raw, missing) ?? '';
      let out: string | null = null;
      for (const value of values) {
        const v = value(raw, missing);
        if (isBlank(v)) continue;
        out = out === null ? v : out + sep + v;
      }
      return out;
    },
  },
  {
    name: 'substring',
    signature: 'substring(value, start, end?)',
    summary: 'characters from start up to (not including) end; negative positions count from the end',
    minArgs: 2,
    maxArgs: 3,
    integerArgs: [1, 2],
    build: ([value], integers) => {
      const start = integerAt(integers, 1) ?? 0;
      const end = integerAt(integers, 2);
      return (raw, missing) => {
        const v = value!(raw, missing);
        if (v === null) return null;
        if (!SURROGATE.test(v)) return v.slice(start, end);
        return Array.from(v).slice(start, end).join('');
      };
    },
  },
  {
    name: 'concat',
    signature: 'concat(a, b, …)',
    summary: 'the values one after the other; empty ones add nothing',
    minArgs: 1,
    maxArgs: Infinity,
    integerArgs: [],
    build: (args) => (raw, missing) => {
      let out = '';
      for (const arg of args) out += arg(raw, missing) ?? '';
      return out === '' ? null : out;
    },
  },
];

export const FUNCTIONS_BY_NAME: ReadonlyMap<string, MappingFunction> = new Map(MAPPING_FUNCTIONS.map((f) => [f.name, f]));

export const FUNCTION_NAMES: readonly string[] = MAPPING_FUNCTIONS.map((f) => f.name);
