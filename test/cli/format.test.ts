import { describe, expect, it } from 'vitest';
import { formatDuration, formatFields, formatTable, formatTime } from '../../src/cli/format.js';
import { countsTable, exitCodeOf, runSummary } from '../../src/cli/run-summary.js';
import { runGuard } from '../../src/cli/wire.js';

describe('formatTable', () => {
  it('aligns columns by code points, right-aligns the chosen columns (headers too), trims line ends', () => {
    const out = formatTable(['NAME', 'N', 'NOTE'], [['Hana García', 3, ''], ['Bo', 12345, 'x']], { alignRight: [1] });
    expect(out.split('\n')).toEqual([
      'NAME             N  NOTE',
      '-----------  -----  ----',
      'Hana García      3',
      'Bo           12345  x',
    ]);
  });

  it('prints the empty message instead of a header-only table, and flattens newlines in cells', () => {
    expect(formatTable(['A'], [], { empty: 'Nothing.' })).toBe('Nothing.');
    expect(formatTable(['A'], [['one\n  two'], [null]]).split('\n')).toEqual(['A', '-------', 'one two', '']);
  });

  it('formats fields, durations and times', () => {
    expect(formatFields([['ID', 'x'], ['Status', 'ok']])).toBe('ID:     x\nStatus: ok');
    expect([formatDuration(850), formatDuration(12_340), formatDuration(245_000), formatDuration(null)]).toEqual(['850 ms', '12.3 s', '4 min 05 s', '']);
    expect(formatTime('2025-01-31T14:05:09.123Z')).toBe('2025-01-31 14:05:09');
  });
});

describe('run summary', () => {
  const run = (over: Record<string, unknown>) =>
    runGuard.parse({ id: 'run_1', status: 'succeeded', counts: { usersCreated: 1200, errors: 0 }, startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:02.500Z', ...over });

  it('shows every count, thousands separated', () => {
    const t = countsTable(run({}).counts);
    expect(t).toMatch(/^Users created\s+1,200$/m);
    for (const label of ['Users updated', 'Users deactivated', 'Users reactivated', 'Users unchanged', 'Groups processed', 'Memberships added', 'Memberships removed', 'Errors'])
      expect(t).toMatch(new RegExp(`^${label}\\s+0$`, 'm'));
  });

  it('a blocked run says why and how to approve or reject; exit code 2', () => {
    const r = run({ status: 'blocked', error: { code: 'deactivation_threshold', message: 'This run would deactivate 50 of 60 active users.', hint: 'Review the run.' } });
    const text = runSummary(r, [], 'Acme');
    expect(text).toContain('Sync of Acme blocked in 2.5 s (run run_1).');
    expect(text).toContain('Blocked: This run would deactivate 50 of 60 active users.');
    expect(text).toContain('accessiq run approve run_1');
    expect(exitCodeOf(r.status)).toBe(2);
    expect([exitCodeOf('succeeded'), exitCodeOf('failed'), exitCodeOf('rejected')]).toEqual([0, 1, 1]);
  });

  it('lists the first errors and points at the full log', () => {
    const r = run({ status: 'succeeded', counts: { errors: 25 } });
    const text = runSummary(r, [{ kind: 'user.error', subject: 'ana@example.test', message: 'email is missing' }], 'Acme');
    expect(text).toContain('First 1 of 25 errors:');
    expect(text).toMatch(/^ana@example\.test\s+email is missing$/m);
    expect(text).toContain('accessiq run log run_1 --kind error');
  });
});
