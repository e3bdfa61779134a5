/**
 * SQLite: the stored mirror a focused full read is compared with, loaded in a thread of its own
 * while the sync thread reads the directory. On the sync thread the load (~2 s at 100k users and
 * 1.1M memberships) either followed the read or, run during it, stalled the read's own work:
 * better-sqlite3 runs each statement synchronously. PostgreSQL needs no thread: its server runs
 * the queries while the read goes on (run-executor.ts). The thread opens the database file
 * read-only (WAL: it reads beside the sync thread's connection) and exits once it has answered.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StoredMirrorRows } from './focused-full-read.js';

export interface StoredMirrorJob {
  file: string;
  tenantId: string;
  directoryId: string;
}

export type StoredMirrorAnswer = { ok: true; rows: StoredMirrorRows } | { ok: false; message: string };

/** The thread's module, in this module's own form (.js compiled, .ts from source). */
const ENTRY = new URL(`./stored-mirror-thread-entry${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

export function loadStoredMirrorRowsInThread(job: StoredMirrorJob): Promise<StoredMirrorRows> {
  return new Promise((resolve, reject) => {
    // run-thread-boot.mjs loads the entry beside this module: compiled JavaScript, or TypeScript through tsx
    const thread = new Worker(new URL('./run-thread-boot.mjs', import.meta.url), { workerData: { ...job, entry: ENTRY }, name: 'accessiq-mirror-load' });
    thread.once('message', (m: StoredMirrorAnswer) => (m.ok ? resolve(m.rows) : reject(new Error(`Could not load the stored mirror: ${m.message}`))));
    thread.once('error', (e) => reject(new Error(`The mirror-load thread failed: ${e.message}`)));
    // after an answer this settles nothing (a promise settles once)
    thread.once('exit', (code) => reject(new Error(`The mirror-load thread exited (code ${code}) without an answer.`)));
  });
}
