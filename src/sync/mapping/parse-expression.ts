/**
 * Parser of one mapping expression (the language is described in `index.ts`). A hand-written
 * recursive descent: it runs once per mapping save/compile, reports the first problem with a
 * 1-based position and a hint the admin can act on, and throws only `MappingSyntaxError`.
 */
import { FUNCTIONS_BY_NAME, FUNCTION_NAMES } from './functions.js';
import { MappingSyntaxError } from './mapping-syntax-error.js';
import type { ExpressionNode, PathStep, TemplatePart } from './syntax.js';

export const MAX_EXPRESSION_LENGTH = 2000;
// Bounds recursion so that `lower(lower(lower(…` can never overflow the stack.
const MAX_NESTING = 32;

const TERM_HINT = 'write a path such as profile.firstName, a function call such as lower(profile.email), or "quoted text"';
const TOP_LEVEL_TRAILING_HINT =
  'an expression is one path or function call; to put text around fields write a template such as ' +
  '{profile.firstName} {profile.lastName}, and quote constant text: "Acme"';

/**
 * Parses `source`. An expression that reads as exactly one term (path, call, string or number) is
 * that term; otherwise, if it has braces, it is a template; otherwise the term's error is reported.
 */
export function parseExpression(source: string): ExpressionNode {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new MappingSyntaxError(
      `expression is ${source.length} characters long`,
      MAX_EXPRESSION_LENGTH + 1,
      `keep it under ${MAX_EXPRESSION_LENGTH} characters`,
    );
  }
  if (source.trim() === '') {
    throw new MappingSyntaxError('empty expression', 1, 'write a source path such as profile.email, or remove the field');
  }
  try {
    return new Parser(source).wholeTerm();
  } catch (error) {
    if (!(error instanceof MappingSyntaxError) || !(source.includes('{') || source.includes('}'))) throw error;
  }
  return new Parser(source).template();
}

// Field names: a letter, _ or $, then letters, digits, _, $ or - (Okta, Entra and Google names fit;
// anything else is written as a quoted key: ["@odata.type"]).
const IDENTIFIER_START = /^[\p{L}_$]$/u;
const IDENTIFIER_PART = /^[\p{L}\p{N}_$-]$/u;
const SPACE = /^\s$/u;

function isIdentifierStart(c: string | undefined): c is string {
  return c !== undefined && IDENTIFIER_START.test(c);
}

function isIdentifierPart(c: string | undefined): c is string {
  return c !== undefined && IDENTIFIER_PART.test(c);
}

function isDigit(c: string | undefined): c is string {
  return c !== undefined && c >= '0' && c <= '9';
}

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.test(c);
}

class Parser {
  private i = 0;

  constructor(private readonly src: string) {}

  wholeTerm(): ExpressionNode {
    this.skipSpace();
    const node = this.term(0, TERM_HINT);
    this.skipSpace();
    if (!this.atEnd()) throw this.unexpected(TOP_LEVEL_TRAILING_HINT);
    return node;
  }

  template(): ExpressionNode {
    const parts: TemplatePart[] = [];
    let text = '';
    while (!this.atEnd()) {
      const c = this.peek();
      const next = this.src[this.i + 1];
      if (c === '{' && next === '{') {
        text += '{';
        this.i += 2;
      } else if (c === '}' && next === '}') {
        text += '}';
        this.i += 2;
      } else if (c === '}') {
        throw new MappingSyntaxError('unmatched "}"', this.i + 1, 'write }} for a literal brace');
      } else if (c === '{') {
        if (text !== '') parts.push({ kind: 'text', text });
        text = '';
        parts.push({ kind: 'placeholder', node: this.placeholder() });
      } else {
        text += c;
        this.i += 1;
      }
    }
    if (text !== '') parts.push({ kind: 'text', text });
    return { kind: 'template', parts, position: 1 };
  }

  private placeholder(): ExpressionNode {
    const open = this.i;
    const unclosed = (): MappingSyntaxError =>
      new MappingSyntaxError('unclosed "{"', open + 1, 'close the placeholder or write {{ for a literal brace');
    this.i += 1;
    this.skipSpace();
    if (this.atEnd()) throw unclosed();
    if (this.peek() === '}') {
      throw new MappingSyntaxError('empty placeholder "{}"', open + 1, 'put a path inside, such as {profile.firstName}, or write {{}} for literal braces');
    }
    const node = this.term(0, 'a placeholder holds a path such as {profile.firstName} or a function call such as {lower(profile.email)}');
    this.skipSpace();
    if (this.atEnd()) throw unclosed();
    if (this.peek() !== '}') throw this.unexpected('a placeholder holds one path or function call; close it with }');
    this.i += 1;
    return node;
  }

  private term(depth: number, hint: string): ExpressionNode {
    if (depth > MAX_NESTING) {
      throw new MappingSyntaxError(`function calls nested more than ${MAX_NESTING} deep`, this.i + 1, 'simplify the expression');
    }
    const c = this.peek();
    if (c === '"') {
      const position = this.i + 1;
      return { kind: 'string', value: this.stringLiteral(), position };
    }
    if (isDigit(c) || (c === '-' && isDigit(this.src[this.i + 1]))) return this.numberLiteral();
    if (isIdentifierStart(c) || c === '[') return this.pathOrCall(depth);
    if (this.atEnd()) throw new MappingSyntaxError('expression ends too early', this.i + 1, hint);
    throw this.unexpected(hint);
  }

  private pathOrCall(depth: number): ExpressionNode {
    const start = this.i;
    const steps: PathStep[] = [];
    if (this.peek() !== '[') {
      const name = this.identifier();
      const afterName = this.i;
      this.skipSpace();
      if (this.peek() === '(') return this.call(name, start, depth);
      this.i = afterName;
      steps.push({ kind: 'key', key: name });
    }
    for (;;) {
      const c = this.peek();
      if (c === '.') {
        this.i += 1;
        const next = this.peek();
        if (isDigit(next)) {
          throw new MappingSyntaxError('a number after "."', this.i + 1, 'write a list position in brackets, such as organizations[0].title');
        }
        if (!isIdentifierStart(next)) {
          throw new MappingSyntaxError('expected a field name after "."', this.i + 1, 'write a path such as profile.firstName; quote odd field names: ["@odata.type"]');
        }
        steps.push({ kind: 'key', key: this.identifier() });
      } else if (c === '[') {
        steps.push(this.bracket());
      } else {
        break;
      }
    }
    return { kind: 'path', text: this.src.slice(start, this.i), steps, position: start + 1 };
  }

  private bracket(): PathStep {
    const open = this.i;
    const unclosed = (): MappingSyntaxError => new MappingSyntaxError('unclosed "["', open + 1, 'close it with ]');
    const bracketHint = 'inside [ ] write a position such as [0], a selector such as [type=work], or a quoted field name such as ["@odata.type"]';
    this.i += 1;
    this.skipSpace();
    let step: PathStep;
    const c = this.peek();
    if (this.atEnd()) throw unclosed();
    if (isDigit(c) || c === '-') {
      const at = this.i;
      const number = this.numberLiteral();
      if (!Number.isInteger(number.value)) throw new MappingSyntaxError('a list position must be a whole number', at + 1, bracketHint);
      step = { kind: 'index', index: number.value };
    } else if (c === '"' || isIdentifierStart(c)) {
      const key = c === '"' ? this.stringLiteral() : this.identifier();
      this.skipSpace();
      if (this.peek() === '=') {
        this.i += 1;
        step = { kind: 'select', key, value: this.selectorValue(unclosed) };
      } else if (c === '"') {
        step = { kind: 'key', key };
      } else {
        if (this.atEnd()) throw unclosed();
        throw this.unexpected(`expected "=" in the selector; ${bracketHint}`);
      }
    } else {
      throw this.unexpected(bracketHint);
    }
    this.skipSpace();
    if (this.atEnd()) throw unclosed();
    if (this.peek() !== ']') throw this.unexpected('close the bracket with ]');
    this.i += 1;
    return step;
  }

  private selectorValue(unclosed: () => MappingSyntaxError): string {
    this.skipSpace();
    if (this.peek() === '"') return this.stringLiteral();
    const start = this.i;
    while (!this.atEnd() && this.peek() !== ']' && this.peek() !== '[') this.i += 1;
    if (this.atEnd()) throw unclosed();
    const value = this.src.slice(start, this.i).trim();
    if (value === '') throw new MappingSyntaxError('missing value after "=" in the selector', start + 1, 'write a value, such as [type=work] or [primary=true]');
    return value;
  }

  private call(name: string, start: number, depth: number): ExpressionNode {
    const fn = FUNCTIONS_BY_NAME.get(name);
    if (fn === undefined) {
      const suggestion = suggestFunction(name);
      throw new MappingSyntaxError(
        `unknown function "${name}"`,
        start + 1,
        `known functions: ${FUNCTION_NAMES.join(', ')}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`,
      );
    }
    const open = this.i;
    this.i += 1;
    const args: ExpressionNode[] = [];
    this.skipSpace();
    if (this.peek() === ')') {
      this.i += 1;
    } else {
      for (;;) {
        if (this.atEnd()) throw new MappingSyntaxError('unclosed "("', open + 1, 'close the call with )');
        args.push(this.term(depth + 1, `give ${fn.signature} a path, a function call, "quoted text" or a number`));
        this.skipSpace();
        if (this.atEnd()) throw new MappingSyntaxError('unclosed "("', open + 1, 'close the call with )');
        const c = this.peek();
        this.i += 1;
        if (c === ')') break;
        if (c === ',') {
          this.skipSpace();
          continue;
        }
        this.i -= 1;
        throw this.unexpected(`separate the arguments of ${name} with "," and close the call with ")"`);
      }
    }
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      throw new MappingSyntaxError(`${name}() takes ${describeArity(fn.minArgs, fn.maxArgs)}, got ${args.length}`, start + 1, `write ${fn.signature}`);
    }
    for (const index of fn.integerArgs) {
      const arg = args[index];
      if (arg !== undefined && !(arg.kind === 'number' && Number.isInteger(arg.value))) {
        throw new MappingSyntaxError(`argument ${index + 1} of ${name}() must be a whole number`, arg.position, `write ${fn.signature} with a number such as 0 or -1`);
      }
    }
    return { kind: 'call', name, args, position: start + 1 };
  }

  private identifier(): string {
    const start = this.i;
    while (isIdentifierPart(this.peek())) this.i += 1;
    return this.src.slice(start, this.i);
  }

  private stringLiteral(): string {
    const open = this.i;
    this.i += 1;
    let out = '';
    for (;;) {
      if (this.atEnd()) throw new MappingSyntaxError('unclosed string', open + 1, 'end the text with "');
      const c = this.peek();
      if (c === '"') {
        this.i += 1;
        return out;
      }
      if (c === '\\') {
        const next = this.src[this.i + 1];
        if (next !== '"' && next !== '\\') {
          throw new MappingSyntaxError(`unknown escape "\\${next ?? ''}"`, this.i + 1, 'inside quotes write \\" for a quote and \\\\ for a backslash');
        }
        out += next;
        this.i += 2;
      } else {
        out += c;
        this.i += 1;
      }
    }
  }

  private numberLiteral(): ExpressionNode & { kind: 'number' } {
    const start = this.i;
    if (this.peek() === '-') this.i += 1;
    if (!isDigit(this.peek())) throw this.unexpected('write a number such as 0 or -1');
    while (isDigit(this.peek())) this.i += 1;
    if (this.peek() === '.' && isDigit(this.src[this.i + 1])) {
      this.i += 1;
      while (isDigit(this.peek())) this.i += 1;
    }
    const text = this.src.slice(start, this.i);
    return { kind: 'number', value: Number(text), text, position: start + 1 };
  }

  private unexpected(hint: string): MappingSyntaxError {
    if (this.atEnd()) return new MappingSyntaxError('expression ends too early', this.i + 1, hint);
    let end = this.i + 1;
    while (end < this.src.length && end - this.i < 12 && !isSpace(this.src[end])) end += 1;
    return new MappingSyntaxError(`unexpected "${this.src.slice(this.i, end)}"`, this.i + 1, hint);
  }

  private skipSpace(): void {
    while (isSpace(this.peek())) this.i += 1;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private atEnd(): boolean {
    return this.i >= this.src.length;
  }
}

function describeArity(min: number, max: number): string {
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (max === Infinity) return `at least ${plural(min)}`;
  if (min === max) return plural(min);
  return `${min} to ${max} arguments`;
}

/** Closest known function by case-insensitive edit distance ≤ 2, for "did you mean". */
function suggestFunction(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of FUNCTION_NAMES) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
