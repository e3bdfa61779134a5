/**
 * PostgreSQL: a connection killed while a transaction holds it (checked out of the pool, between
 * two statements) must not raise an unhandled 'error' (in `accessiq serve` that is a crash). The
 * store's own listener reports it, the transaction fails on its next statement, and the pool
 * replaces the connection. Found as a rare CI failure of the fault suite; PostgreSQL only (SQLite
 * has no connections to lose).
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.js';
import { openStore, reportIdleConnectionErrors, type Store } from '../../src/store/database.js';
import { captureUnhandledPgErrors } from '../faults/support/database-outage.js';

describe.runIf(ENGINES.includes('postgres'))('PostgreSQL connection lost inside a transaction', () => {
  let testDb: TestDatabase;
  let store: Store;
  const reported: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    store = await openStore({ databaseUrl: testDb.databaseUrl });
    reportIdleConnectionErrors((err) => reported.push(err.message));
  });
  afterAll(async () => {
    reportIdleConnectionErrors(() => undefined);
    await store?.close();
    await testDb?.drop();
  });

  it('is reported, fails the transaction, and the next query gets a fresh connection', async () => {
    const unhandled = captureUnhandledPgErrors();
    const killer = new pg.Client({ connectionString: testDb.databaseUrl });
    await killer.connect();
    try {
      const outcome = store.db.transaction().execute(async (tx) => {
        const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0]!.pid;
        await killer.query('SELECT pg_terminate_backend($1)', [pid]);
        // between statements: the server's goodbye reaches the idle, checked-out client
        await expect.poll(() => reported.length + unhandled.captured.length, { timeout: 10_000 }).toBeGreaterThan(0);
        await sql`select 1`.execute(tx);
      });
      await expect(outcome).rejects.toThrow();
      expect(unhandled.captured).toEqual([]);
      expect(reported.join('\n')).toMatch(/terminating connection due to administrator command/);
      expect((await sql<{ one: number }>`select 1 as one`.execute(store.db)).rows[0]!.one).toBe(1);
    } finally {
      unhandled.restore();
      await killer.end();
    }
  });
});
