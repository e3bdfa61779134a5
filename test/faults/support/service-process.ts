/**
 * The real service as a child process (`node --import tsx src/cli/main.ts serve`, or compiled as
 * `npm start` runs it: `node dist/server/src/cli/main.js serve`), so the fault suite can SIGKILL it
 * mid-apply. PORT=0: the URL is read from its "listening on" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | string>;
  output(): string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
}

export async function spawnService(env: Record<string, string>, timeoutMs = 90_000, form: 'source' | 'compiled' = 'source'): Promise<ServiceProcess> {
  const args = form === 'compiled' ? ['dist/server/src/cli/main.js', 'serve'] : ['--import', 'tsx', 'src/cli/main.ts', 'serve'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`service exited (${code}) before listening:\n${out}`)); });
  });
  return {
    child, url, exited, output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
