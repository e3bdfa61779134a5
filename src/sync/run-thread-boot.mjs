// The sync thread's entry (run-thread.ts starts it): tsx's `--import` loader registers itself only
// on the main thread, so the thread registers tsx's hooks itself, as bin/accessiq.mjs does, then
// loads the TypeScript entry. Works whether the service runs under tsx, bin/accessiq.mjs or Vitest.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
// tests only: hooks that must live beside the thread's own database connection (fault suite)
for (const url of workerData?.preload ?? []) await import(url);
await import('./run-thread-entry.ts');
