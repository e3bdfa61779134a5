/**
 * SQLite has one writer at a time: while the sync thread applies a large run, the API's writes meet
 * its lock. They wait at most the main thread's short busy timeout (app-context.ts), then are
 * refused with 503 database_busy + Retry-After, with nothing half-written; reads keep working (WAL).
 * The lock here is held by a second connection, as the sync thread's apply would hold it.
 * SQLite only: PostgreSQL locks rows, so these writes never wait on a sync's apply.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.js';

describe('API writes while another connection holds the SQLite write lock', () => {
  let svc: TestService;
  let locker: SQLite.Database;

  beforeAll(async () => {
    svc = await startTestService('sqlite');
    locker = new SQLite(path.join(svc.database.dataDir, 'accessiq.db'));
  });
  afterAll(async () => {
    if (locker.inTransaction) locker.exec('ROLLBACK');
    locker.close();
    await svc?.close();
  });

  it('are refused with 503 database_busy and Retry-After, change nothing, and succeed once the lock is gone', async () => {
    const before = (await svc.api.get('/api/v1/organizations')).body.data as unknown[];
    locker.exec('BEGIN EXCLUSIVE');
    const res = await fetch(`${svc.url}/api/v1/organizations`, {
      method: 'POST', headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Busy Corp' }),
    });
    const body = await res.json() as { error: { code: string; message: string } };
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(body.error.code).toBe('database_busy');
    expect(body.error.message).toMatch(/busy applying a sync; nothing was changed/);
    // reads are not blocked by a writer (WAL)
    const during = await svc.api.get('/api/v1/organizations');
    expect(during.status).toBe(200);
    expect(during.body.data).toEqual(before);
    locker.exec('ROLLBACK');
    const retried = await svc.api.post('/api/v1/organizations', { name: 'Busy Corp' });
    expect(retried.status).toBe(201);
    expect((await svc.api.get('/api/v1/organizations')).body.data).toHaveLength(before.length + 1);
  });

  it('lease renewal never waits behind the lock (busy timeout 0 for it, restored after): a refused one is retried by the worker later', async () => {
    const store = svc.ctx.store;
    const busyTimeout = async (db: typeof store.db) => (await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)).rows[0]!.timeout;
    // the main thread's short wait while a sync thread exists (app-context.ts); 10 s without one
    const usual = process.env.ACCESSIQ_SYNC_THREAD === '0' ? 10_000 : 2_000;
    expect(await busyTimeout(store.db)).toBe(usual);
    expect(await store.withoutWaiting((db) => busyTimeout(db))).toBe(0);
    expect(await busyTimeout(store.db)).toBe(usual);
    locker.exec('BEGIN EXCLUSIVE');
    try {
      await expect(svc.ctx.repos.runs.renewLease('run_none', 'wrk_none', 60_000)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      locker.exec('ROLLBACK');
    }
    expect(await busyTimeout(store.db)).toBe(usual);
    expect(await svc.ctx.repos.runs.renewLease('run_none', 'wrk_none', 60_000)).toBe(false);
  });
});
