/**
 * Bulk inserts inside a transaction, in the fastest form each engine has: a first sync writes
 * ~1.3M rows (1M memberships) and statement building, not the database, was most of the time.
 * - PostgreSQL: COPY FROM STDIN on the transaction's own connection (1M memberships: 17 s as
 *   unnest() statements → ~5 s).
 * - SQLite: one prepared multi-row statement reused for every batch (Kysely compiled and SQLite
 *   prepared a new 2,500-parameter statement per batch: 12 s → ~5 s for 1M memberships).
 * `rows` makes the rows (cells in `columns` order) as they are sent, so a million rows never sit
 * in memory as arrays; it is called again if PostgreSQL has to start over (below).
 * `ignoreConflicts` skips rows that collide with a unique key (as `on conflict do nothing`).
 * Returns the number of rows sent.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './schema.js';

export type Cell = string | number | null;

export type BulkInsert = (
  tx: Kysely<Database>, table: keyof Database, columns: readonly string[], rows: () => Iterable<readonly Cell[]>, opts?: { ignoreConflicts?: boolean },
) => Promise<number>;

/** Rows made from items one at a time (Store.insertRows' `rows`). */
export function* rowsOf<T>(items: Iterable<T>, toRow: (item: T, index: number) => readonly Cell[]): Generator<readonly Cell[]> {
  let i = 0;
  for (const item of items) yield toRow(item, i++);
}

function requireTransaction(tx: Kysely<Database>) {
  if (!tx.isTransaction) throw new Error('insertRows runs inside a transaction (it writes on the transaction\'s own connection)');
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Rows per SQLite statement: past ~100 the statement's preparation outweighs the saved calls. */
const SQLITE_ROWS_PER_STATEMENT = 100;
/** Lets the event loop breathe between batches (the in-process executor serves the API meanwhile). */
const YIELD_EVERY_ROWS = 5_000;
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export function sqliteBulkInsert(sqlite: SqliteDatabase): BulkInsert {
  const statements = new Map<string, Statement>();
  const statementFor = (table: string, columns: readonly string[], rows: number, ignore: boolean) => {
    const key = `${table}|${columns.join(',')}|${rows}|${ignore ? 1 : 0}`;
    let s = statements.get(key);
    if (!s) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      s = sqlite.prepare(`insert into ${quote(table)} (${columns.map(quote).join(',')}) values ${Array.from({ length: rows }, () => tuple).join(',')}${ignore ? ' on conflict do nothing' : ''}`);
      statements.set(key, s);
    }
    return s;
  };
  return async (tx, table, columns, rows, opts = {}) => {
    requireTransaction(tx);
    // one connection: the transaction Kysely holds is this handle's, so its statements join it
    const perStatement = Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(32_000 / columns.length)));
    const ignore = opts.ignoreConflicts ?? false;
    let params: Cell[] = [];
    let pending = 0;
    const flush = () => {
      if (pending) statementFor(table, columns, pending, ignore).run(params);
      params = [];
      pending = 0;
    };
    let sent = 0;
    for (const row of rows()) {
      for (const cell of row) params.push(cell);
      if (++pending === perStatement) flush();
      if (++sent % YIELD_EVERY_ROWS === 0) await yieldToLoop();
    }
    flush();
    return sent;
  };
}

/** COPY's text format: tab-separated, `\N` for NULL, backslash escapes for the separators. */
function copyCell(cell: Cell): string {
  if (cell === null) return '\\N';
  if (typeof cell === 'number') return String(cell);
  return /[\\\t\n\r]/.test(cell) ? cell.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : cell;
}

/** The copy's input: rows as text lines, ~256 KiB per chunk handed to the connection. */
function* copyText(rows: Iterable<readonly Cell[]>, count: { rows: number }): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    count.rows++;
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i ? '\t' : '') + copyCell(row[i]!);
    chunk += `${line}\n`;
    if (chunk.length >= 256 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const UNIQUE_VIOLATION = '23505';

/**
 * `clientOf(pid)`: the pool's connection with that backend pid. Kysely does not hand out the
 * connection a transaction holds, so the transaction names it (`pg_backend_pid()`).
 */
export function postgresBulkInsert(clientOf: (pid: number) => pg.ClientBase | undefined): BulkInsert {
  const copy = async (client: pg.ClientBase, table: string, columns: readonly string[], rows: Iterable<readonly Cell[]>) => {
    const count = { rows: 0 };
    await pipeline(Readable.from(copyText(rows, count)), client.query(copyFrom(`copy ${quote(table)} (${columns.map(quote).join(',')}) from stdin`)));
    return count.rows;
  };
  return async (tx, table, columns, makeRows, opts = {}) => {
    requireTransaction(tx);
    // nothing to send: no round trips (a COPY of nothing would still cost three)
    const first = makeRows()[Symbol.iterator]().next();
    if (first.done) return 0;
    const { rows: [me] } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
    const client = me ? clientOf(me.pid) : undefined;
    if (!client) throw new Error('insertRows: the transaction\'s connection is not one of the store\'s pool');
    if (!opts.ignoreConflicts) return copy(client, table, columns, makeRows());
    // COPY has no `on conflict`: copy straight in and, only if a row collides, copy into a scratch
    // table instead and insert from there skipping the collisions
    await client.query('savepoint bulk_insert');
    try {
      const n = await copy(client, table, columns, makeRows());
      await client.query('release savepoint bulk_insert');
      return n;
    } catch (e) {
      if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      await client.query('rollback to savepoint bulk_insert');
    }
    // dropped here, or with the transaction if a statement fails (a drop in an aborted transaction
    // would fail too, and hide the error that aborted it)
    await client.query(`create temp table bulk_insert_rows (like ${quote(table)} including defaults) on commit drop`);
    const n = await copy(client, 'bulk_insert_rows', columns, makeRows());
    const list = columns.map(quote).join(',');
    await client.query(`insert into ${quote(table)} (${list}) select ${list} from bulk_insert_rows on conflict do nothing`);
    await client.query('drop table bulk_insert_rows');
    return n;
  };
}
