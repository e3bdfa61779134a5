/**
 * The mirror-load thread (see stored-mirror-thread.ts): reads the stored mirror of one directory
 * from the SQLite file, read-only and in one read transaction (one snapshot), posts it back and
 * exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../store/schema.js';
import { loadStoredMirrorRows } from './focused-full-read.js';
import type { StoredMirrorAnswer, StoredMirrorJob } from './stored-mirror-thread.js';

if (!parentPort) throw new Error('stored-mirror-thread-entry.ts runs only as a worker thread (see stored-mirror-thread.ts).');
const port = parentPort;
const job = workerData as StoredMirrorJob;

let answer: StoredMirrorAnswer;
let db: Kysely<Database> | undefined;
try {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(job.file, { readonly: true, fileMustExist: true }) }) });
  answer = { ok: true, rows: await db.transaction().execute((tx) => loadStoredMirrorRows(tx, job.tenantId, job.directoryId)) };
} catch (e) {
  answer = { ok: false, message: e instanceof Error ? e.message : String(e) };
} finally {
  await db?.destroy();
}
port.postMessage(answer);
port.close();
