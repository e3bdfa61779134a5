/** The figures every run records (the dashboard's "Users synced", "Groups synced", "Errors"). */
export interface RunCounts {
  usersCreated: number;
  usersUpdated: number;
  usersDeactivated: number;
  usersReactivated: number;
  usersUnchanged: number;
  usersLinked: number;
  groupsProcessed: number;
  groupsCreated: number;
  groupsUpdated: number;
  groupsDeleted: number;
  membershipsAdded: number;
  membershipsRemoved: number;
  grantsAdded: number;
  grantsRevoked: number;
  errors: number;
  /** Rows written to the store by the apply phase (zero for a no-change resync). */
  rowsWritten: number;
  /** Requests made to the provider. */
  requests: number;
}

export const emptyCounts = (): RunCounts => ({
  usersCreated: 0, usersUpdated: 0, usersDeactivated: 0, usersReactivated: 0, usersUnchanged: 0, usersLinked: 0,
  groupsProcessed: 0, groupsCreated: 0, groupsUpdated: 0, groupsDeleted: 0,
  membershipsAdded: 0, membershipsRemoved: 0, grantsAdded: 0, grantsRevoked: 0, errors: 0, rowsWritten: 0, requests: 0,
});

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'blocked' | 'rejected';
export type RunTrigger = 'manual' | 'schedule' | 'api' | 'cli';
export const finishedStatuses: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'blocked', 'rejected']);
