/**
 * Sees, from outside the service process, that a run's apply transaction is under way — so a
 * SIGKILL can be aimed inside it. The apply is the only long write transaction:
 * - SQLite: it holds the write lock, so a probe `BEGIN IMMEDIATE` (busy timeout 0) fails;
 * - PostgreSQL: a session of the service's database has a transaction id (it has written) for
 *   two polls in a row (other writes are single autocommit statements).
 */
import path from 'node:path';
import pg from 'pg';
import SQLite from 'better-sqlite3';

export async function waitForApply(o: { databaseUrl: string | undefined; dataDir: string; timeoutMs?: number }): Promise<boolean> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let seen = 0;
  const tick = () => new Promise((r) => setTimeout(r, 5));
  if (!o.databaseUrl) {
    const probe = new SQLite(path.join(o.dataDir, 'accessiq.db'));
    probe.pragma('busy_timeout = 0');
    try {
      while (Date.now() < deadline) {
        try {
          probe.exec('BEGIN IMMEDIATE');
          probe.exec('ROLLBACK');
          seen = 0;
        } catch {
          if (++seen >= 2) return true;
        }
        await tick();
      }
      return false;
    } finally {
      probe.close();
    }
  }
  const c = new pg.Client({ connectionString: o.databaseUrl });
  await c.connect();
  try {
    const name = new URL(o.databaseUrl).pathname.slice(1);
    while (Date.now() < deadline) {
      const r = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()', [name]);
      seen = (r.rows[0] as { n: number }).n > 0 ? seen + 1 : 0;
      if (seen >= 2) return true;
      await tick();
    }
    return false;
  } finally {
    await c.end();
  }
}
