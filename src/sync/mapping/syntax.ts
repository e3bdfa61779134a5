/** The parsed form of a mapping expression; `position` is 1-based, as shown to the admin. */

export type PathStep =
  | { kind: 'key'; key: string }
  /** `[0]`; a negative index counts from the end (`[-1]` is the last element). */
  | { kind: 'index'; index: number }
  /** `[type=work]`: the first array element whose `key` holds a scalar that reads as `value`. */
  | { kind: 'select'; key: string; value: string };

export type ExpressionNode =
  | { kind: 'path'; text: string; steps: PathStep[]; position: number }
  | { kind: 'string'; value: string; position: number }
  /** Numbers keep their source text: `concat(x, 007)` yields `…007`, literals stay literal. */
  | { kind: 'number'; value: number; text: string; position: number }
  | { kind: 'call'; name: string; args: ExpressionNode[]; position: number }
  | { kind: 'template'; parts: TemplatePart[]; position: number };

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder'; node: ExpressionNode };
