/**
 * Builds the console once for the browser tests: `vite build` into a cache folder named after a hash
 * of the console's sources, so a second test file (or a rerun without changes) reuses it. Parallel
 * test files build to private folders and rename into place; the first rename wins.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const INPUTS = ['src/web', 'src/api/schemas.ts', 'src/api/console/console-schemas.ts', 'src/domain/directory-settings.ts', 'vite.config.ts'];

function filesOf(p: string): string[] {
  const full = path.join(ROOT, p);
  if (!fs.statSync(full).isDirectory()) return [p];
  return fs.readdirSync(full).sort().flatMap((name) => filesOf(path.join(p, name)));
}

function sourceHash(): string {
  const h = createHash('sha256');
  for (const file of INPUTS.flatMap(filesOf)) h.update(file).update('\0').update(fs.readFileSync(path.join(ROOT, file))).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The folder holding index.html and assets/ of the current sources. */
export async function buildConsole(): Promise<string> {
  const cache = path.join(ROOT, 'node_modules/.cache/accessiq-console');
  const target = path.join(cache, sourceHash());
  if (fs.existsSync(path.join(target, 'index.html'))) return target;
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
  try {
    fs.renameSync(tmp, target);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another file built the same sources first
  }
  return target;
}
