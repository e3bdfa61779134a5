/** The console's settings, read from the environment once at start (next to config.ts's). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleOptions {
  /** ACCESSIQ_ADMIN_EMAIL / ACCESSIQ_ADMIN_PASSWORD: the first admin, created once in the default tenant. */
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Where `vite build` put the console (ACCESSIQ_CONSOLE_DIR; default dist/web in the project). */
  staticDir: string;
  /** How long a sign-in lasts (hours, ACCESSIQ_SESSION_HOURS; default 12). */
  sessionTtlMs: number;
}

/** dist/web of the project this module belongs to (run from src/ or compiled into dist/server/). */
export function defaultConsoleDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist/web');
}

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleOptions {
  const hours = Number(env.ACCESSIQ_SESSION_HOURS ?? 12);
  if (!Number.isFinite(hours) || hours <= 0) throw new Error(`ACCESSIQ_SESSION_HOURS must be a positive number, got "${env.ACCESSIQ_SESSION_HOURS}".`);
  return {
    adminEmail: env.ACCESSIQ_ADMIN_EMAIL || undefined,
    adminPassword: env.ACCESSIQ_ADMIN_PASSWORD || undefined,
    staticDir: env.ACCESSIQ_CONSOLE_DIR ? path.resolve(env.ACCESSIQ_CONSOLE_DIR) : defaultConsoleDir(),
    sessionTtlMs: hours * 3_600_000,
  };
}
