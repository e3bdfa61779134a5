/**
 * `accessiq sync <directory> [--dry-run] [--no-wait] [--json]`: starts a run (Sync Now), follows it
 * to the end, prints the counts and the first errors. Exit code 0 succeeded, 1 failed, 2 blocked.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { clientFrom, print, printJson, withApiOptions, type ApiOptions } from '../api-options.js';
import { exitCodeOf, FINISHED, firstErrors, runSummary } from '../run-summary.js';
import { createProgressView } from '../sync-progress.js';
import { resolveDirectory } from '../resolve.js';
import { runGuard, type RunView } from '../wire.js';

interface SyncOptions extends ApiOptions {
  dryRun?: boolean;
  wait: boolean;
  pollInterval: number;
}

/** Polls the run until it finishes; `onUpdate` sees every state. */
export async function followRun(client: ApiClient, run: RunView, intervalMs: number, onUpdate: (run: RunView) => void): Promise<RunView> {
  let current = run;
  onUpdate(current);
  while (!FINISHED.has(current.status)) {
    await delay(intervalMs);
    current = await client.get(`/sync-runs/${encodeURIComponent(current.id)}`, runGuard);
    onUpdate(current);
  }
  return current;
}

export function registerSyncCommand(program: Command): void {
  withApiOptions(
    program
      .command('sync <directory>')
      .description('sync a directory now (by id or name) and show what changed')
      .option('--dry-run', 'plan only: show the changes a sync would make, write nothing')
      .option('--no-wait', 'start the run and return its id without waiting')
      .option('--poll-interval <ms>', 'how often to check the run (ms)', (v) => Math.max(100, Number(v) || 500), 500),
  ).action(async (ref: string, o: SyncOptions) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    const started = await client.post(`/directories/${encodeURIComponent(d.id)}/sync`, runGuard, o.dryRun ? { dryRun: true } : {});
    if (!o.wait) {
      if (o.json) return printJson(started);
      return print(`Started ${started.dryRun ? 'dry run' : 'sync'} ${started.id} (${started.status}). Follow it with \`accessiq run show ${started.id}\`.`);
    }
    const progress = createProgressView({ tty: Boolean(process.stderr.isTTY), quiet: Boolean(o.json) });
    let run: RunView;
    try {
      run = await followRun(client, started, o.pollInterval, (r) => progress.update(r));
    } finally {
      progress.stop();
    }
    const needErrors = Number(run.counts.errors ?? 0) > 0 || run.status === 'failed';
    const errors = needErrors ? await firstErrors(client, run.id) : [];
    if (o.json) printJson({ run, errors });
    else print(runSummary(run, errors, d.name));
    process.exitCode = exitCodeOf(run.status);
  });
}
