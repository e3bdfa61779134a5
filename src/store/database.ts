/**
 * Opens the store: SQLite (embedded default, one file in the data dir) or PostgreSQL when a
 * `postgres://` URL is given; applies migrations. Differences between the engines are declared
 * here as `supports*` flags, never as `if (engine === …)` in shared code.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { postgresBulkInsert, sqliteBulkInsert, type BulkInsert } from './bulk-insert.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-console.js';
import * as m003 from './migrations/003-audit.js';
import * as m004 from './migrations/004-plan-fingerprint.js';
import * as m005 from './migrations/005-memberships-without-fk.js';
import * as m006 from './migrations/006-whole-plan.js';
import * as m007 from './migrations/007-staged-directory-users.js';

export interface Store {
  db: Kysely<Database>;
  engine: 'sqlite' | 'postgres';
  /** Row-level locks (`FOR UPDATE SKIP LOCKED`) to share work between processes. */
  supportsSkipLocked: boolean;
  /** How many bound parameters one statement may carry (SQLite's limit is 32766). */
  maxParameters: number;
  /** Arrays bind as one parameter (PostgreSQL: `unnest($1::text[], …)` inserts many rows per statement). */
  supportsArrayParameters: boolean;
  /**
   * Runs `fn` with writes that fail at once (SQLITE_BUSY) instead of waiting behind another
   * connection's write lock: for housekeeping that can simply try again later (lease renewal)
   * and must not freeze the event loop meanwhile. PostgreSQL runs `fn` as is (row locks).
   */
  withoutWaiting<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Refreshes the query planner's statistics after a bulk write of `rowsWritten` rows. PostgreSQL:
   * ANALYZE (a 1M-row table the planner still believes empty gets a bitmap scan and a sort of the
   * whole table per keyset page: 35 s to load what takes 3; autovacuum may be off, and is late
   * anyway), of each table never analyzed or that the write may have changed by a tenth (autovacuum's
   * own rule, `autovacuum_analyze_scale_factor` 0.1): a 1% churn leaves 1.1M memberships' statistics
   * as they were, where analyzing them took ~1–2 s after the run. Returns the tables analyzed.
   * SQLite's planner assumes indexes are selective without statistics: nothing to do.
   */
  refreshStatistics(tables: ReadonlyArray<keyof Database>, rowsWritten: number): Promise<string[]>;
  /** Many rows into one table inside a transaction: COPY (PostgreSQL), a reused prepared statement (SQLite). */
  insertRows: BulkInsert;
  /**
   * A transaction for scratch rows that may be lost if the database server crashes (a run's staged
   * records: the run starts its stage again). PostgreSQL commits it without waiting for the WAL to
   * reach disk (`synchronous_commit = off`: a 100k-user read commits ~200 staged pages); SQLite's
   * commits do not wait for the disk in WAL mode anyway.
   */
  scratchTransaction<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** SQLite only: one prepared query per parameter row (point lookups through an index), all results. */
  selectPerRow?: <T>(statement: string, rows: ReadonlyArray<readonly unknown[]>) => T[];
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = { '001-initial': m001, '002-console': m002, '003-audit': m003, '004-plan-fingerprint': m004, '005-memberships-without-fk': m005, '006-whole-plan': m006, '007-staged-directory-users': m007 };

export interface StoreOptions {
  /** PostgreSQL URL; when absent, SQLite at `${dataDir}/accessiq.db` (or `sqlitePath`). */
  databaseUrl?: string | undefined;
  dataDir?: string;
  sqlitePath?: string;
  /**
   * SQLite: how long a write waits for another connection's write lock (default 10 s). The
   * service's main thread passes a short one: better-sqlite3 waits synchronously, so the wait
   * freezes the API while the sync thread's apply holds the lock (see database-busy.ts).
   */
  busyTimeoutMs?: number;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.sqlitePath ?? sqliteFile(options.dataDir ?? './data'), options.busyTimeoutMs ?? 10_000);
  await migrate(store.db);
  return store;
}

function sqliteFile(dataDir: string) {
  fs.mkdirSync(dataDir, { recursive: true });
  return path.join(dataDir, 'accessiq.db');
}

function openSqlite(file: string, busyTimeoutMs: number): Store {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL'); // readers (the API) never wait for the sync's writes
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const timeout = Math.max(0, Math.floor(busyTimeoutMs));
  sqlite.pragma(`busy_timeout = ${timeout}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  // one connection: holding it keeps other statements out while its busy timeout is 0
  const withoutWaiting = <T>(fn: (db: Kysely<Database>) => Promise<T>) => db.connection().execute(async (conn) => {
    sqlite.pragma('busy_timeout = 0');
    try {
      return await fn(conn);
    } finally {
      sqlite.pragma(`busy_timeout = ${timeout}`);
    }
  });
  const selectPerRow = <T>(statement: string, rows: ReadonlyArray<readonly unknown[]>) => {
    const prepared = sqlite.prepare(statement);
    return rows.flatMap((r) => prepared.all(...r) as T[]);
  };
  return { db, engine: 'sqlite', supportsSkipLocked: false, maxParameters: 32_000, supportsArrayParameters: false, withoutWaiting, selectPerRow,
    insertRows: sqliteBulkInsert(sqlite),
    scratchTransaction: (fn) => db.transaction().execute(fn),
    refreshStatistics: async () => [], close: () => db.destroy() };
}

let onIdleError: (err: Error) => void = () => undefined;
/** Where PostgreSQL connection errors are reported, idle or checked out (the service passes its logger). */
export function reportIdleConnectionErrors(handler: (err: Error) => void) {
  onIdleError = handler;
}

function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A connection the server drops (restart, failover, pg_terminate_backend) emits 'error'; unhandled,
  // that kills the process. pg-pool listens only while a client is idle (then re-emits on the pool),
  // and Kysely keeps a client checked out for a whole transaction, so every client gets its own
  // listener: the statement in flight (or the next one) fails on its own, the pool drops the client
  // on release, and the next query opens a fresh connection. Noting it is enough.
  pool.on('error', () => undefined); // already reported by the client's listener
  // connections by backend pid: a transaction finds its own for COPY (bulk-insert.ts)
  const clients = new Map<number, pg.PoolClient>();
  pool.on('connect', (client) => {
    client.on('error', (err) => onIdleError(err));
    const pid = (client as pg.PoolClient & { processID?: number }).processID;
    if (pid !== undefined) {
      clients.set(pid, client);
      client.on('end', () => clients.delete(pid));
    }
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', supportsSkipLocked: true, maxParameters: 60_000, supportsArrayParameters: true, withoutWaiting: (fn) => fn(db),
    insertRows: postgresBulkInsert((pid) => clients.get(pid)),
    scratchTransaction: (fn) => db.transaction().execute(async (tx) => {
      await sql`set local synchronous_commit = off`.execute(tx);
      return fn(tx);
    }),
    refreshStatistics: async (tables, rowsWritten) => {
      if (!tables.length) return [];
      // reltuples: the rows the last ANALYZE (or VACUUM) counted; -1 before the first
      const { rows } = await sql<{ name: string; reltuples: number }>`select t.name, c.reltuples from unnest(${[...tables]}::text[]) as t(name)
        join pg_class c on c.oid = to_regclass(t.name)`.execute(db);
      const stale = rows.filter((r) => r.reltuples < 0 || rowsWritten >= r.reltuples / 10).map((r) => r.name);
      if (stale.length) await sql`analyze ${sql.join(stale.map((t) => sql.table(t)))}`.execute(db);
      return stale;
    },
    close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>) {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`);
  }
}
