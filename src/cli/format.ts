/**
 * Human output: aligned tables and key/value blocks. Widths count code points, so names with
 * accents line up (wide CJK glyphs may still be off by their extra column; good enough for a CLI).
 */

export type Cell = string | number | boolean | null | undefined;

const text = (c: Cell): string => (c === null || c === undefined ? '' : String(c));
const width = (s: string): number => [...s].length;
const pad = (s: string, n: number, right: boolean): string => {
  const fill = ' '.repeat(Math.max(0, n - width(s)));
  return right ? fill + s : s + fill;
};

export interface TableOptions {
  /** Column indexes aligned to the right (numbers). */
  alignRight?: number[];
  /** Printed instead of a header-only table. */
  empty?: string;
}

/** An aligned table: a header row, a rule, then one line per row; two spaces between columns. */
export function formatTable(headers: string[], rows: Cell[][], options: TableOptions = {}): string {
  if (rows.length === 0 && options.empty !== undefined) return options.empty;
  const cells = rows.map((r) => headers.map((_, i) => text(r[i]).replace(/\s*\n\s*/g, ' ')));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const right = new Set(options.alignRight ?? []);
  const line = (r: string[]) => r.map((c, i) => pad(c, widths[i] ?? 0, right.has(i))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** `key: value` lines with the values aligned. */
export function formatFields(fields: [string, Cell][]): string {
  const w = Math.max(0, ...fields.map(([k]) => width(k) + 1));
  return fields.map(([k, v]) => `${pad(`${k}:`, w, false)} ${text(v)}`).join('\n');
}

/** 1234567 → "1,234,567". */
export const formatNumber = (n: number): string => n.toLocaleString('en-US');

/** Milliseconds as "850 ms", "12.3 s", "4 min 05 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** ISO timestamps shown as "2025-01-31 14:05:09" (UTC, as stored). */
export const formatTime = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z?$|Z$/, '') : '');
