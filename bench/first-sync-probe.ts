/**
 * One first full sync of an emulated directory in the service process, with its peak RSS and
 * timings, after the raw fetch (the floor) of the same emulator: the quick loop for memory and
 * speed work (the full benchmark takes ~15 minutes).
 *   npx tsx bench/first-sync-probe.ts [entra|okta|google] [sqlite|postgres] [users] [groups]
 */
import { createDirectory, measuredSync } from './measure.js';
import { startEmulator, startServiceProcess, type Engine } from './scenario.js';
import { rawClientFor, rawFetch, type Provider } from './raw-fetch.js';
import { GROUP_SELECT, USER_SELECT } from '../src/providers/entra/connector.js';

const [provider = 'entra', engine = 'sqlite', users = '100000', groups = '10000'] = process.argv.slice(2) as [Provider?, Engine?, string?, string?];
const emulator = await startEmulator(provider, { users: Number(users), groups: Number(groups), seed: 1 });
const raw = await rawFetch(rawClientFor(provider, emulator.credentials, { user: USER_SELECT, group: GROUP_SELECT }));
console.log(`raw fetch: ${(raw.ms / 1000).toFixed(1)} s`);
const service = await startServiceProcess(engine);
try {
  const dir = await createDirectory(service.api, provider, emulator.credentials);
  await service.helper.call('measureStart');
  console.log(`service idle: RSS ${String((await service.helper.call('measureStop') as { peakRssMiB: number }).peakRssMiB)} MiB`);
  for (const name of ['first full sync', 'no-change resync']) {
    const s = await measuredSync(service.helper, service.api, dir, { full: true });
    const c = s.counts as Record<string, unknown>;
    console.log(`${name}: ${(s.ms / 1000).toFixed(1)} s (${(s.ms / raw.ms).toFixed(2)}× raw) ${s.status}, rows ${String(c.rowsWritten)}, read ${String(c.readMs)} load ${String(c.loadMs)} plan ${String(c.planMs)} apply ${String(c.applyMs)} ms · RSS peak ${s.service.peakRssMiB} MiB (process max ${s.service.maxRssMiB}), lag p99 ${s.service.lagP99Ms} ms, service CPU ${(s.service.cpuMs / 1000).toFixed(1)} s`);
  }
} finally {
  await service.helper.stop();
  await emulator.helper.stop();
}
