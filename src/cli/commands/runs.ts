/** `accessiq runs <directory>` and `accessiq run show|log|approve|reject <runId>`. */
import type { Command } from 'commander';
import { clientFrom, print, printJson, withApiOptions, type ApiOptions } from '../api-options.js';
import { formatDuration, formatFields, formatTable, formatTime } from '../format.js';
import { resolveDirectory } from '../resolve.js';
import { countsTable, firstErrors, runHeadline, runSummary } from '../run-summary.js';
import { intOption } from '../options.js';
import { logEntryGuard, runGuard, type RunView } from '../wire.js';

const runPath = (id: string) => `/sync-runs/${encodeURIComponent(id)}`;

const durationOf = (r: RunView) => r.durationMs ?? (r.startedAt && r.finishedAt ? Date.parse(r.finishedAt) - Date.parse(r.startedAt) : null);

export function registerRunCommands(program: Command): void {
  withApiOptions(
    program
      .command('runs <directory>')
      .description("list a directory's sync runs, newest first")
      .option('--limit <n>', 'how many runs', intOption(1, 10_000), 20),
  ).action(async (ref: string, o: ApiOptions & { limit: number }) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    const runs = await client.all(`/directories/${encodeURIComponent(d.id)}/runs`, runGuard, {}, o.limit);
    if (o.json) return printJson(runs);
    print(formatTable(
      ['ID', 'STATUS', 'DRY RUN', 'STARTED', 'DURATION', 'CREATED', 'UPDATED', 'DEACTIVATED', 'REACTIVATED', 'ERRORS'],
      runs.map((r) => [r.id, r.status, r.dryRun ? 'yes' : '', formatTime(r.startedAt ?? r.createdAt), formatDuration(durationOf(r)),
        r.counts.usersCreated, r.counts.usersUpdated, r.counts.usersDeactivated, r.counts.usersReactivated, r.counts.errors]),
      { alignRight: [5, 6, 7, 8, 9], empty: `No runs yet: start one with \`accessiq sync ${d.id}\`.` },
    ));
  });

  const run = program.command('run').description('look at one sync run, its log, or approve/reject a blocked run');

  withApiOptions(run.command('show <runId>').description('status, counts and first errors of a run')).action(async (id: string, o: ApiOptions) => {
    const client = clientFrom(o);
    const r = await client.get(runPath(id), runGuard);
    const errors = Number(r.counts.errors ?? 0) > 0 ? await firstErrors(client, r.id) : [];
    if (o.json) return printJson({ run: r, errors });
    if (r.status === 'queued' || r.status === 'running') {
      const p = r.progress;
      print(formatFields([['Run', r.id], ['Status', r.status], ['Started', formatTime(r.startedAt)], ['Phase', p?.phase], ['Users read', p?.users], ['Groups', p?.groups], ['Groups with members read', p?.groupsWithMembersRead]]));
      return;
    }
    print(runSummary(r, errors));
    print(`\n${formatFields([['Directory', r.directoryId], ['Started', formatTime(r.startedAt)], ['Finished', formatTime(r.finishedAt)], ['Trigger', r.trigger]])}`);
  });

  withApiOptions(
    run
      .command('log <runId>')
      .description('the changes and errors a run recorded')
      .option('--kind <kind>', 'only entries of this kind, e.g. error, user.created, created, deactivated')
      .option('--search <text>', 'only entries whose subject or message contains this text')
      .option('--limit <n>', 'at most this many entries', intOption(1, 1_000_000), 200),
  ).action(async (id: string, o: ApiOptions & { kind?: string; search?: string; limit: number }) => {
    const entries = await clientFrom(o).all(`${runPath(id)}/log`, logEntryGuard, { kind: o.kind, q: o.search }, o.limit);
    if (o.json) return printJson(entries);
    print(formatTable(['TIME', 'KIND', 'SUBJECT', 'MESSAGE'], entries.map((e) => [formatTime(e.createdAt), e.kind, e.subject ?? '', e.message]), { empty: 'No log entries match.' }));
  });

  for (const [verb, description] of [
    ['approve', 'apply a run that a safeguard blocked'],
    ['reject', 'discard a run that a safeguard blocked'],
  ] as const) {
    withApiOptions(run.command(`${verb} <runId>`).description(description)).action(async (id: string, o: ApiOptions) => {
      const r = await clientFrom(o).post(`${runPath(id)}/${verb}`, runGuard);
      if (o.json) return printJson(r);
      print(runHeadline(r));
      if (verb === 'approve' && r.status !== 'rejected') print(`\n${countsTable(r.counts)}`);
    });
  }
}
