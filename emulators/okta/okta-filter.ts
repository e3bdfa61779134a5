/**
 * The SCIM-like expression language of Okta's `filter` and `search` parameters:
 * `attr op "value"` joined by `and` / `or` with parentheses. `not` and `ne` are rejected as Okta
 * does; which attributes and operators are allowed depends on the endpoint and on filter vs search
 * (see providers/okta.md "Filtering / scoping").
 */
import { validationError } from './okta-errors.js';

export type Operator = 'eq' | 'gt' | 'ge' | 'lt' | 'le' | 'sw' | 'co' | 'pr';
export type Literal = string | number | boolean | null;

export type Expression =
  | { type: 'and' | 'or'; left: Expression; right: Expression }
  | { type: 'cmp'; attr: string; op: Operator; value: Literal };

export interface ExpressionRules {
  /** Which operators an attribute accepts; `undefined` = attribute not allowed. */
  operatorsFor(attr: string): readonly Operator[] | undefined;
}

const OPERATORS = new Set<string>(['eq', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'pr']);

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: '(' | ')' };

function tokenize(input: string, param: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch });
      i++;
    } else if (ch === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      if (i >= input.length) throw validationError(param, `Invalid ${param} expression: unterminated string`);
      i++;
      tokens.push({ kind: 'string', text });
    } else {
      const m = /^[^\s()"]+/.exec(input.slice(i))!;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Parses and validates an expression; throws an Okta 400 (E0000001) on anything unsupported. */
export function parseExpression(input: string, param: 'filter' | 'search', rules: ExpressionRules): Expression {
  const tokens = tokenize(input, param);
  let pos = 0;
  const fail = (why: string): never => {
    throw validationError(param, `Invalid ${param} expression: ${why}`);
  };
  const peekWord = () => {
    const t = tokens[pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : undefined;
  };

  const parseOr = (): Expression => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      pos++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expression => {
    let left = parsePrimary();
    while (peekWord() === 'and') {
      pos++;
      left = { type: 'and', left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): Expression => {
    const t = tokens[pos];
    if (!t) return fail('unexpected end');
    if (t.kind === '(') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== ')') fail('missing )');
      pos++;
      return inner;
    }
    if (t.kind !== 'word') return fail('expected an attribute');
    if (t.text.toLowerCase() === 'not') fail("the 'not' operator is not supported");
    const attr = t.text;
    pos++;
    const opToken = tokens[pos];
    if (opToken?.kind !== 'word') return fail(`expected an operator after ${attr}`);
    const op = opToken.text.toLowerCase();
    if (op === 'ne') fail("the 'ne' operator is not supported");
    if (!OPERATORS.has(op)) fail(`unknown operator '${opToken.text}'`);
    pos++;
    const allowed = rules.operatorsFor(attr);
    if (!allowed) fail(`attribute '${attr}' is not supported`);
    if (!allowed!.includes(op as Operator)) fail(`operator '${op}' is not supported for '${attr}'`);
    if (op === 'pr') return { type: 'cmp', attr, op: 'pr', value: null };
    const v = tokens[pos];
    if (!v || (v.kind !== 'string' && v.kind !== 'word')) return fail(`expected a value after ${attr} ${op}`);
    pos++;
    let value: Literal;
    if (v.kind === 'string') value = v.text;
    else if (v.text === 'true' || v.text === 'false') value = v.text === 'true';
    else if (v.text === 'null') value = null;
    else if (/^-?\d+(\.\d+)?$/.test(v.text)) value = Number(v.text);
    else return fail(`values must be quoted: ${v.text}`);
    return { type: 'cmp', attr, op: op as Operator, value };
  };

  const expr = parseOr();
  if (pos < tokens.length) fail('unexpected trailing input');
  return expr;
}

const isTimestamp = (s: string) => /^\d{4}-\d{2}-\d{2}T/.test(s);

function compare(actual: unknown, op: Operator, expected: Literal): boolean {
  if (Array.isArray(actual)) return actual.some((a) => compare(a, op, expected));
  if (op === 'pr') return actual !== null && actual !== undefined && actual !== '';
  if (actual === null || actual === undefined) return op === 'eq' && expected === null;
  if (typeof actual === 'boolean' || typeof actual === 'number') return op === 'eq' && String(actual) === String(expected);
  const a = String(actual);
  if (op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') {
    const e = String(expected);
    const diff = isTimestamp(a) && isTimestamp(e) ? Date.parse(a) - Date.parse(e) : a.localeCompare(e);
    return op === 'gt' ? diff > 0 : op === 'ge' ? diff >= 0 : op === 'lt' ? diff < 0 : diff <= 0;
  }
  if (expected === null) return false;
  const al = a.toLowerCase();
  const el = String(expected).toLowerCase();
  return op === 'eq' ? al === el : op === 'sw' ? al.startsWith(el) : al.includes(el);
}

/** Compiles an expression into a predicate; `read` returns the value of an attribute of a record. */
export function compileExpression<T>(expr: Expression, read: (record: T, attr: string) => unknown): (record: T) => boolean {
  if (expr.type === 'cmp') {
    const { attr, op, value } = expr;
    if ((op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') && typeof value === 'string' && isTimestamp(value) && Number.isNaN(Date.parse(value))) {
      throw validationError('filter', `Invalid date: ${value}`);
    }
    return (r) => compare(read(r, attr), op, value);
  }
  const left = compileExpression(expr.left, read);
  const right = compileExpression(expr.right, read);
  return expr.type === 'and' ? (r) => left(r) && right(r) : (r) => left(r) || right(r);
}

/** Rules of `/api/v1/users?filter=`: `eq` only, comparisons on `lastUpdated`. */
export const userFilterRules: ExpressionRules = {
  operatorsFor: (attr) =>
    attr === 'lastUpdated'
      ? ['eq', 'gt', 'ge', 'lt', 'le']
      : ['status', 'id', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName'].includes(attr)
        ? ['eq']
        : undefined,
};

const USER_TIMESTAMPS = ['created', 'activated', 'statusChanged', 'lastUpdated', 'lastLogin', 'passwordChanged'];
const CONTAINS_FIELDS = ['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login'];
/** Rules of `/api/v1/users?search=`: any profile attribute, `sw`, `co` on a few, timestamp ranges. */
export const userSearchRules: ExpressionRules = {
  operatorsFor: (attr) => {
    if (USER_TIMESTAMPS.includes(attr)) return ['eq', 'gt', 'ge', 'lt', 'le', 'pr'];
    if (attr === 'id' || attr === 'status' || attr === 'type.id') return ['eq', 'sw'];
    if (attr.startsWith('profile.')) return CONTAINS_FIELDS.includes(attr) ? ['eq', 'sw', 'co', 'pr'] : ['eq', 'sw', 'pr'];
    return undefined;
  },
};

/** Rules of `/api/v1/groups?filter=`. */
export const groupFilterRules: ExpressionRules = {
  operatorsFor: (attr) =>
    attr === 'lastUpdated' || attr === 'lastMembershipUpdated' ? ['eq', 'gt', 'ge', 'lt', 'le'] : attr === 'id' || attr === 'type' ? ['eq'] : undefined,
};

/** Rules of `/api/v1/groups?search=`. */
export const groupSearchRules: ExpressionRules = {
  operatorsFor: (attr) =>
    ['created', 'lastUpdated', 'lastMembershipUpdated'].includes(attr)
      ? ['eq', 'gt', 'ge', 'lt', 'le']
      : attr === 'id' || attr === 'type' || attr.startsWith('profile.')
        ? ['eq', 'sw', 'co']
        : undefined,
};

/** Logs `filter=`: eventType / target / actor equality. */
export const logFilterRules: ExpressionRules = {
  operatorsFor: (attr) =>
    ['eventType', 'severity', 'outcome.result', 'actor.id', 'target.id', 'published', 'uuid'].includes(attr)
      ? attr === 'published'
        ? ['eq', 'gt', 'ge', 'lt', 'le']
        : ['eq', 'sw', 'co']
      : undefined,
};
