/**
 * Validates and compiles a whole attribute mapping once (on save, and once per sync run); every
 * target's problem is reported, each with a message ready to show beside the field.
 */
import { compileExpression } from './compile-expression.js';
import { MappingSyntaxError } from './mapping-syntax-error.js';
import { parseExpression } from './parse-expression.js';
import { parseTarget, type CoreTarget } from './targets.js';
import type { Evaluate } from './value.js';

export interface CompiledTarget {
  /** As written in the mapping: `email`, `attributes.costCenter`. */
  readonly target: string;
  /** Set for the four user fields, null for custom attributes. */
  readonly core: CoreTarget | null;
  /** The custom attribute's name, null for the four user fields. */
  readonly attribute: string | null;
  readonly expression: string;
  readonly evaluate: Evaluate;
}

export interface CompiledMapping {
  readonly targets: readonly CompiledTarget[];
  /** Every source path the mapping reads, in order of first use (e.g. to list them in the console). */
  readonly sourcePaths: readonly string[];
}

export interface MappingError {
  target: string;
  /** `displayName: unknown function "lowr" at position 1; known functions: lower, …` */
  message: string;
  /** What to do about it, also the tail of `message`. */
  hint: string;
  /** 1-based position in the expression (a JavaScript string index + 1, so an editor can place the
   * cursor at position - 1); absent for problems with the target name itself. */
  position?: number;
}

export type CompileMappingResult = { ok: true; mapping: CompiledMapping } | { ok: false; errors: MappingError[] };

export function compileMapping(mapping: Readonly<Record<string, string>>): CompileMappingResult {
  const targets: CompiledTarget[] = [];
  const errors: MappingError[] = [];
  const paths = new Set<string>();
  for (const [target, expression] of Object.entries(mapping)) {
    const parsedTarget = parseTarget(target);
    if (!parsedTarget.ok) {
      errors.push({ target, message: `${target}: ${parsedTarget.problem}; ${parsedTarget.hint}`, hint: parsedTarget.hint });
      continue;
    }
    // The type says string, but mappings arrive from JSON columns and request bodies.
    if (typeof expression !== 'string') {
      const hint = 'write the expression as text, such as "profile.email"';
      errors.push({ target, message: `${target}: the expression is not a string; ${hint}`, hint });
      continue;
    }
    try {
      const evaluate = compileExpression(parseExpression(expression), paths);
      targets.push({ target, core: parsedTarget.core, attribute: parsedTarget.attribute, expression, evaluate });
    } catch (error) {
      if (!(error instanceof MappingSyntaxError)) throw error;
      errors.push({ target, message: `${target}: ${error.message}`, hint: error.hint, position: error.position });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, mapping: { targets, sourcePaths: [...paths] } };
}
