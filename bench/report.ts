/**
 * Tables of the benchmark, every figure next to its target with ✓ / ✗ (never asserted: the
 * machine is shared and noisy), and the JSON written to bench/results/latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult, StepRecord } from './scenario.js';
import type { ThrottledResult } from './throttled.js';

export const TARGETS = {
  firstSyncMs: 60_000,
  firstSyncRatio: 1.3,
  resyncRatio: 1.2,
  incrementalMs: 5_000,
  rssMiB: 512,
  lagP99Ms: 100,
  throttledRatio: 1.1,
  throttledShare: 0.01,
};

const NAMES = { okta: 'Okta', entra: 'Entra ID', google: 'Google Workspace', sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
const int = (n: number | undefined) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function targetOf(s: StepRecord, rawMs: number): string {
  const ratio = s.ms / rawMs;
  if (s.name.startsWith('first')) return `≤ 60 s ${mark(s.ms <= TARGETS.firstSyncMs)}  ≤ 1.3× ${mark(ratio <= TARGETS.firstSyncRatio)}`;
  if (s.name.startsWith('no-change')) return `≤ 1.2× ${mark(ratio <= TARGETS.resyncRatio)}  0 rows ${mark(s.counts.rowsWritten === 0)}`;
  if (s.name.includes('incremental')) return `≤ 5 s ${mark(s.ms <= TARGETS.incrementalMs)}${s.mode === 'incremental' ? '' : ` (ran ${s.mode}!)`}`;
  return '';
}

const phases = (c: Record<string, number | undefined>) =>
  `read ${secs(c.readMs ?? 0)} · load ${secs(c.loadMs ?? 0)} · plan ${secs(c.planMs ?? 0)} · confirm ${secs(c.confirmMs ?? 0)} · log ${secs(c.logMs ?? 0)} · apply ${secs(c.applyMs ?? 0)}`;

export function scenarioTable(r: ScenarioResult): string {
  // as the provider lists it (Okta adds its built-in Everyone group)
  const title = `${NAMES[r.provider]} emulator · ${NAMES[r.engine]} · ${int(r.raw.users)} users / ${int(r.raw.groups)} groups / ${int(r.raw.memberships)} memberships`;
  const head = ['step', 'time', '× raw', 'rows written', 'requests', 'RSS peak', 'lag p99', 'target'];
  const rows: string[][] = [['raw fetch (floor)', secs(r.raw.ms), '1.00', '–', int(r.raw.requests), '–', '–', `${int(r.raw.users)} u · ${int(r.raw.groups)} g · ${int(r.raw.memberships)} m`]];
  for (const s of r.steps) {
    rows.push([s.name, secs(s.ms), (s.ms / r.raw.ms).toFixed(2), int(s.counts.rowsWritten), int(s.counts.requests), `${s.service.peakRssMiB} MiB`, `${s.service.lagP99Ms} ms`, targetOf(s, r.raw.ms)]);
    rows.push([`  ${phases(s.counts)}`, '', '', '', '', '', '', '']);
    if (s.churn) rows.push([`  churn: ${int(s.churn.usersChanged)} users, +${int(s.churn.membershipsAdded)} / −${int(s.churn.membershipsRemoved)} memberships`, '', '', '', '', '', '', '']);
  }
  const first = r.steps.find((s) => s.name.startsWith('first'));
  const lagWorst = Math.max(0, ...r.steps.map((s) => s.service.lagP99Ms));
  const lines = [title, table(head, rows)];
  if (first) {
    lines.push(`peak RSS during the first sync ${first.service.peakRssMiB} MiB (process max ${first.service.maxRssMiB} MiB) ≤ 512 MiB ${mark(first.service.maxRssMiB <= TARGETS.rssMiB)}` +
      ` · event-loop lag p99 (worst sync) ${lagWorst} ms < 100 ms ${mark(lagWorst < TARGETS.lagP99Ms)} · worst max ${Math.max(0, ...r.steps.map((s) => s.service.lagMaxMs))} ms`);
  }
  if (r.failed) lines.push(`FAILED: ${r.failed}`);
  return lines.join('\n');
}

export function throttledTable(results: ThrottledResult[], targetMs: number): string {
  const head = ['provider', 'directory', 'limit', 'requests', 'floor', 'sync', 'sync / floor', '429s', 'target'];
  const rows = results.map((t) => {
    const ratio = t.sync ? t.sync.ms / t.floorMs : NaN;
    const share = t.responses ? t.throttled / t.responses : 0;
    return [
      NAMES[t.provider], `${int(t.raw.users)} u / ${int(t.raw.groups)} g / ${int(t.raw.memberships)} m`, `${int(t.limit.requests)} per ${t.limit.windowMs / 1000} s`,
      int(t.raw.requests), secs(t.floorMs), t.sync ? secs(t.sync.ms) : 'failed', Number.isFinite(ratio) ? ratio.toFixed(2) : '–',
      `${t.throttled} (${(share * 100).toFixed(1)}%)`,
      t.sync ? `≤ 1.1 ${mark(ratio <= TARGETS.throttledRatio)}  < 1% ${mark(share < TARGETS.throttledShare)}` : (t.failed ?? ''),
    ];
  });
  return [`Throttled run: the emulator enforces the provider's kind of limit, scaled down in time so the floor is about ${targetMs / 1000} s`, table(head, rows)].join('\n');
}

export function writeJson(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
