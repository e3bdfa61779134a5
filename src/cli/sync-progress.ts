/**
 * Shows a running sync: a progress bar on a terminal (stderr, so stdout stays the summary), plain
 * lines otherwise (logs, CI). The run's `progress` is {phase, users, groups, groupsWithMembersRead};
 * the bar tracks groups whose members are read, the slowest part of a read.
 */
import cliProgress from 'cli-progress';
import { formatNumber } from './format.js';
import { FINISHED } from './run-summary.js';
import type { RunView } from './wire.js';

export interface ProgressView {
  update(run: RunView): void;
  stop(): void;
}

const PHASES: Record<string, string> = {
  users: 'Reading users',
  groups: 'Reading groups',
  members: 'Reading group members',
  memberships: 'Reading group members',
  planning: 'Planning changes',
  plan: 'Planning changes',
  applying: 'Applying changes',
  apply: 'Applying changes',
};

const describe = (run: RunView): string => {
  if (run.status === 'queued') return 'Waiting for a worker';
  const phase = run.progress?.phase;
  return phase ? (PHASES[phase] ?? phase.charAt(0).toUpperCase() + phase.slice(1)) : 'Starting';
};

export function createProgressView(opts: { tty: boolean; stream?: NodeJS.WriteStream; quiet?: boolean }): ProgressView {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { update: () => undefined, stop: () => undefined };
  if (!opts.tty) {
    let last = '';
    return {
      update(run) {
        if (FINISHED.has(run.status)) return;
        const p = run.progress;
        const line = `${describe(run)}…${p?.users ? ` ${formatNumber(p.users)} users` : ''}${p?.groups ? `, ${formatNumber(p.groups)} groups` : ''}`;
        // one line per phase, not per poll: logs stay short
        const key = describe(run);
        if (key !== last) stream.write(`${line}\n`);
        last = key;
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{phase} [{bar}] {groupsText} | {users} users',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(run) {
      if (FINISHED.has(run.status)) return;
      const p = run.progress;
      const total = Math.max(p?.groups ?? 0, 1);
      const groupsText = p?.groups ? `${formatNumber(p.groupsWithMembersRead ?? 0)}/${formatNumber(p.groups)} groups` : 'groups not read yet';
      const payload = { phase: describe(run).padEnd(22), users: formatNumber(p?.users ?? 0), groupsText };
      if (!started) {
        bar.start(total, 0, payload);
        started = true;
      }
      bar.setTotal(total);
      bar.update(Math.min(p?.groupsWithMembersRead ?? 0, total), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
