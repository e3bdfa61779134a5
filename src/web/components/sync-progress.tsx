import { z } from 'zod';
import type { Run } from '../api/types.js';
import { formatNumber } from '../lib/format.js';
import { ProgressBar } from './ui.js';

const progressGuard = z.object({
  phase: z.string().optional(), users: z.number().optional(), groups: z.number().optional(), groupsWithMembersRead: z.number().optional(),
});

const PHASES: Record<string, string> = { users: 'Reading users', groups: 'Reading groups', members: 'Reading group members' };

/** Where a queued or running sync is: phase, records read, and a bar once the total is known. */
export function SyncProgress({ run }: { run: Run }) {
  const p = progressGuard.safeParse(run.progress ?? {});
  const progress = p.success ? p.data : {};
  const phase = run.status === 'queued' ? 'Waiting for a worker' : PHASES[progress.phase ?? ''] ?? 'Starting';
  const membersKnown = progress.phase === 'members' && progress.groups !== undefined;
  return (
    <div className="sync-progress" data-testid="sync-progress" aria-live="polite">
      <p><strong>{run.dryRun ? 'Preview running' : 'Sync running'}:</strong> {phase}…</p>
      <ProgressBar label="Sync progress" value={membersKnown ? progress.groupsWithMembersRead ?? 0 : null} max={membersKnown ? progress.groups ?? null : null} />
      <p className="muted">
        {formatNumber(progress.users ?? 0)} users · {formatNumber(progress.groups ?? 0)} groups read
        {membersKnown ? ` · members of ${formatNumber(progress.groupsWithMembersRead ?? 0)} of ${formatNumber(progress.groups ?? 0)} groups` : ''}
      </p>
    </div>
  );
}
