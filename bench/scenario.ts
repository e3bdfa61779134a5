/**
 * One table: a provider emulator (own process) and the service (own process) on one database.
 * first full sync → no-change resync (full read) → 1% churn, full resync → (delta providers) 1%
 * churn, incremental resync. Each step records time, rows written, RSS and event-loop lag.
 */
import { execFileSync } from 'node:child_process';
import { ROOT, spawnHelper, type HelperProcess } from './child-process.js';
import { createChurner, type ChurnResult } from './churn.js';
import { createDirectory, measuredSync, serviceApi, type SyncStep } from './measure.js';
import path from 'node:path';
import { z } from 'zod';
import type { Provider, RawFetchResult } from './raw-fetch.js';

export type Engine = 'sqlite' | 'postgres';

export interface Size { users: number; groups: number; seed: number }

export interface StepRecord extends SyncStep { name: string; churn?: ChurnResult }

export interface ScenarioResult {
  provider: Provider;
  engine: Engine;
  size: Size;
  directory: { people: number; groups: number; memberships: number };
  raw: RawFetchResult;
  steps: StepRecord[];
  failed: string | null;
}

const emulatorInfoGuard = z.object({ url: z.string(), credentials: z.record(z.string(), z.unknown()) });
const serviceInfoGuard = z.object({ url: z.string(), adminToken: z.string() });
const countsGuard = z.object({ people: z.number(), groups: z.number(), memberships: z.number() });

export async function startEmulator(provider: Provider, size: Size, limit?: { requests: number; windowMs: number }) {
  const helper = await spawnHelper('bench/emulator-process.ts', [provider, String(size.users), String(size.groups), String(size.seed), ...(limit ? [JSON.stringify(limit)] : [])]);
  return { helper, ...emulatorInfoGuard.parse(helper.info) };
}

export type StartedEmulator = Awaited<ReturnType<typeof startEmulator>>;

let serverBuilt = false;

/**
 * The service runs compiled (dist/server), as `npm start` runs it: without a TypeScript loader its
 * RSS is the product's. Built once per bench process (tsc's incremental build: a few seconds).
 */
function buildServer() {
  if (serverBuilt) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  serverBuilt = true;
}

export async function startServiceProcess(engine: Engine, profileDir?: string) {
  buildServer();
  const nodeArgs = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), ...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const helper = await spawnHelper('dist/server/bench/service-process.js', [engine], { nodeArgs });
  const info = serviceInfoGuard.parse(helper.info);
  return { helper, api: serviceApi(info.url, info.adminToken) };
}

export async function runScenario(o: {
  provider: Provider; engine: Engine; size: Size; raw: RawFetchResult; supportsDelta: boolean; profileDir?: string;
  /** A freshly started emulator of this size to use (and stop); default: start one. */
  emulator?: StartedEmulator;
  log: (line: string) => void;
}): Promise<ScenarioResult> {
  const { provider, engine, size, log } = o;
  const steps: StepRecord[] = [];
  const emulator = o.emulator ?? (await startEmulator(provider, size));
  let service: { helper: HelperProcess; api: ReturnType<typeof serviceApi> } | undefined;
  const result: ScenarioResult = { provider, engine, size, directory: countsGuard.parse(await emulator.helper.call('counts')), raw: o.raw, steps, failed: null };
  try {
    service = await startServiceProcess(engine, o.profileDir);
    const dir = await createDirectory(service.api, provider, emulator.credentials);
    const step = async (name: string, body: { full?: boolean }, churn?: ChurnResult) => {
      const s = await measuredSync(service!.helper, service!.api, dir, body);
      steps.push({ name, ...s, ...(churn ? { churn } : {}) });
      log(`  ${provider}/${engine} ${name}: ${(s.ms / 1000).toFixed(2)} s, ${s.status}${s.error ? ` (${s.error})` : ''}, rows ${s.counts.rowsWritten ?? '?'}, RSS ${s.service.peakRssMiB} MiB, lag p99 ${s.service.lagP99Ms} ms`);
      if (s.status !== 'succeeded') throw new Error(`${name}: run ${s.status}${s.error ? ` — ${s.error}` : ''}`);
    };
    await step('first full sync', { full: true });
    await step('no-change resync (full)', { full: true });
    const churner = createChurner({ ...size, adminUrl: emulator.url });
    const changes = () => ({ users: Math.max(1, Math.round(size.users / 100)), memberships: Math.max(2, Math.round(result.directory.memberships / 100)) });
    const c1 = await churner.apply(changes().users, changes().memberships);
    await step('1% churn, full resync', { full: true }, c1);
    if (o.supportsDelta) {
      const c2 = await churner.apply(changes().users, changes().memberships);
      await step('1% churn, incremental', {}, c2);
    }
  } catch (err) {
    result.failed = err instanceof Error ? err.message : String(err);
    log(`  ${provider}/${engine} FAILED: ${result.failed}`);
  } finally {
    await service?.helper.stop();
    await emulator.helper.stop();
  }
  return result;
}
