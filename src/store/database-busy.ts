/**
 * SQLite allows one writer at a time. While the sync thread applies a large run in one
 * transaction, a write from the service's main thread (an admin's edit, a new run) waits up to its
 * short busy timeout (database.ts) and then fails with SQLITE_BUSY; its transaction is rolled back,
 * so nothing is half-written. The API turns that into a 503 with Retry-After instead of a 500.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

/** Seconds a client should wait before retrying a write refused as busy. */
export const DATABASE_BUSY_RETRY_AFTER_S = 5;
