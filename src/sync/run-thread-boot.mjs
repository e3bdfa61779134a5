// The sync thread's entry (run-thread.ts starts it): tsx's `--import` loader registers itself only
// on the main thread, so the thread registers tsx's hooks itself, as bin/accessiq.mjs does, then
// loads the TypeScript entry. Works whether the service runs under tsx, bin/accessiq.mjs or Vitest.
import { register } from 'tsx/esm/api';

register();
await import('./run-thread-entry.ts');
