// The sync thread's entry (run-thread.ts starts it with the entry module's URL). Compiled (the
// service as `npm start` runs it) the entry is plain JavaScript. From source (Vitest, `npm run
// cli`, bin/accessiq.mjs) it is TypeScript: tsx's `--import` loader registers itself only on the
// main thread, so the thread registers tsx's hooks itself first.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
// tests only: hooks that must live beside the thread's own database connection (fault suite)
for (const url of workerData.preload ?? []) await import(url);
await import(workerData.entry);
