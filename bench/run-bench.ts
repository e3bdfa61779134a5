/**
 * `npm run bench` — the sync benchmark. For each provider emulator (Okta, Entra, Google; each in
 * its own process, throttling off) and each database (SQLite, PostgreSQL), with the service in its
 * own process: raw fetch (the floor), first full sync, no-change resync, 1% churn resyncs (full,
 * and incremental where the provider has deltas), peak RSS and event-loop lag of the service, and
 * the ratios to raw fetch; then a throttled run per provider. Figures are printed next to their
 * targets and written to bench/results/latest.json. Exits non-zero only if a sync failed.
 *
 *   npm run bench                      100,000 users / 10,000 groups (~1M memberships), ~15+ min
 *   npm run bench -- --quick           2,000 users / 200 groups, each provider on one database (alternating),
 *                                      throttled: 1,000 users, floor ~8 s (the CI smoke check, ~1 min)
 *   npm run bench -- --quick --only-throttled   only the throttled run (~30 s), results in bench/results/throttled.json
 *   options: --users N --groups N --seed N --providers okta,entra --dbs sqlite --no-throttled --only-throttled
 *            --throttled-users N --throttled-groups N --throttled-seconds S --profile (CPU profiles of
 *            the service process in bench/results/profiles)
 *   BENCH_SERVICE_NODE_ARGS="--flag …" passes node/V8 flags to the service process (experiments).
 *   Quicker loops: bench/first-sync-probe.ts (one first sync + one resync, RSS and phase timings)
 *   and bench/memory-probe.ts (the live heap after each pipeline stage).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { USER_SELECT, GROUP_SELECT } from '../src/providers/entra/connector.js';
import { ROOT } from './child-process.js';
import { rawClientFor, rawFetch, type Provider } from './raw-fetch.js';
import { scenarioTable, throttledTable, writeJson } from './report.js';
import { runScenario, startEmulator, type Engine, type ScenarioResult, type StartedEmulator } from './scenario.js';
import { runThrottled, type ThrottledResult } from './throttled.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    users: { type: 'string' }, groups: { type: 'string' }, seed: { type: 'string', default: '1' },
    providers: { type: 'string', default: 'okta,entra,google' }, dbs: { type: 'string', default: 'sqlite,postgres' },
    'no-throttled': { type: 'boolean', default: false },
    'only-throttled': { type: 'boolean', default: false },
    'throttled-users': { type: 'string' }, 'throttled-groups': { type: 'string' }, 'throttled-seconds': { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const num = (s: string | undefined, fallback: number) => {
  const n = s === undefined ? fallback : Number(s);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${s}`);
  return n;
};
const seed = num(values.seed, 1);
const size = { users: num(values.users, quick ? 2_000 : 100_000), groups: num(values.groups, quick ? 200 : 10_000), seed };
const throttledSize = { users: num(values['throttled-users'], quick ? 1_000 : 10_000), groups: num(values['throttled-groups'], quick ? 100 : 1_000), seed };
const throttledMs = num(values['throttled-seconds'], quick ? 8 : 60) * 1000;
const providers = values.providers.split(',').map((p) => p.trim()).filter((p): p is Provider => p === 'okta' || p === 'entra' || p === 'google');
const engines = values.dbs.split(',').map((e) => e.trim()).filter((e): e is Engine => e === 'sqlite' || e === 'postgres');
// --quick without --dbs: each provider on one database, alternating, so CI stays near a minute
const quickPairs = quick && !process.argv.some((a) => a.startsWith('--dbs'));
const enginesOf = (i: number): Engine[] => (quickPairs && engines.length > 1 ? [engines[i % engines.length]!] : engines);
const DELTA: Record<Provider, boolean> = { okta: false, entra: true, google: false };
const select = { user: USER_SELECT, group: GROUP_SELECT };
const profileDir = values.profile ? path.join(ROOT, 'bench/results/profiles') : undefined;
const started = Date.now();
const log = (line: string) => process.stderr.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}\n`);
log(`bench: ${size.users} users / ${size.groups} groups (seed ${seed}) · ${providers.join(', ')} · ${engines.join(', ')}${quick ? ' · quick' : ''}`);
const scenarios: ScenarioResult[] = [];
const throttled: ThrottledResult[] = [];
let failures = 0;

for (const [i, provider] of (values['only-throttled'] ? [] : providers).entries()) {
  // the floor: once per provider, on a fresh emulator (every database's table compares against it);
  // reading changes nothing, so the first table goes on with the same emulator
  let emulator: StartedEmulator | undefined = await startEmulator(provider, size);
  let raw;
  try {
    raw = await rawFetch(rawClientFor(provider, emulator.credentials, select));
  } catch (err) {
    await emulator.helper.stop();
    throw err;
  }
  log(`  ${provider} raw fetch: ${(raw.ms / 1000).toFixed(2)} s, ${raw.requests} requests, ${raw.users} users, ${raw.groups} groups, ${raw.memberships} memberships`);
  for (const engine of enginesOf(i)) {
    const r = await runScenario({ provider, engine, size, raw, supportsDelta: DELTA[provider], log, ...(emulator ? { emulator } : {}), ...(profileDir ? { profileDir } : {}) });
    emulator = undefined;
    if (r.failed) failures++;
    scenarios.push(r);
    console.log(`\n${scenarioTable(r)}`);
  }
}

if (!values['no-throttled'] || values['only-throttled']) {
  for (const provider of providers) {
    const t = await runThrottled({ provider, engine: engines[0] ?? 'sqlite', size: throttledSize, targetMs: throttledMs, select, log });
    if (t.failed) failures++;
    throttled.push(t);
  }
  console.log(`\n${throttledTable(throttled, throttledMs)}`);
}

// a throttled-only run does not overwrite the full results
const file = path.join(ROOT, `bench/results/${values['only-throttled'] ? 'throttled' : 'latest'}.json`);
writeJson(file, { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, quick, size, throttledSize, throttledMs, scenarios, throttled });
console.log(`\n${failures ? `${failures} run(s) FAILED` : 'all syncs succeeded'} · ${((Date.now() - started) / 1000).toFixed(0)} s · results in ${path.relative(process.cwd(), file)}`);
process.exitCode = failures ? 1 : 0;
