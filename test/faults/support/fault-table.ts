/**
 * The fault table: provider × engine × fault → outcome → state check. Each test file records its
 * rows and, from its afterAll, writes them to test-results/fault-rows/<file>.json, then renders
 * every file's rows into test-results/fault-table.txt and prints it — so the table printed by the
 * last file to finish covers the whole suite (files run in parallel forks).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FaultRow {
  provider: string;
  engine: string;
  fault: string;
  /** succeeded | failed | blocked | … | n/a | pending */
  outcome: string;
  /** "= before", "= clean sync", "VIOLATION: …", or why it was not run. */
  state: string;
  note?: string;
}

const DIR = path.resolve('test-results');
const ROWS = path.join(DIR, 'fault-rows');

export function createFaultTable(file: string) {
  const rows: FaultRow[] = [];
  return {
    rows,
    add(row: FaultRow) {
      rows.push(row);
    },
    /** Writes this file's rows, re-renders the whole table, prints it. */
    flush() {
      fs.mkdirSync(ROWS, { recursive: true });
      fs.writeFileSync(path.join(ROWS, `${file}.json`), JSON.stringify(rows, null, 1));
      const all: FaultRow[] = [];
      for (const f of fs.readdirSync(ROWS).filter((n) => n.endsWith('.json')).sort()) {
        try {
          all.push(...(JSON.parse(fs.readFileSync(path.join(ROWS, f), 'utf8')) as FaultRow[]));
        } catch {
          // a file being written by a parallel fork: its own flush prints it
        }
      }
      const text = renderTable(all);
      fs.writeFileSync(path.join(DIR, 'fault-table.txt'), text);
      console.log(`\n${text}`);
    },
  };
}

export function renderTable(rows: FaultRow[]): string {
  const head: FaultRow = { provider: 'provider', engine: 'engine', fault: 'fault', outcome: 'outcome', state: 'state check', note: 'note' };
  const sorted = [...rows].sort((a, b) => a.provider.localeCompare(b.provider) || a.engine.localeCompare(b.engine));
  const cols: Array<keyof FaultRow> = ['provider', 'engine', 'fault', 'outcome', 'state', 'note'];
  // every column but the last (the note) is cut to a readable width; the note is printed whole
  const cell = (r: FaultRow, c: keyof FaultRow) => (c === 'note' ? String(r[c] ?? '') : String(r[c] ?? '').slice(0, 70));
  const widths = cols.map((c) => Math.max(...[head, ...sorted].map((r) => cell(r, c).length)));
  const line = (r: FaultRow) => cols.map((c, i) => cell(r, c).padEnd(c === 'note' ? 0 : widths[i]!)).join(' | ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...sorted.map(line)].join('\n') + '\n';
}
