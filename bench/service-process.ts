/**
 * Child process: the real service (HTTP API, worker, store) on a fresh SQLite or PostgreSQL
 * database, with production connector settings (real retry backoff). Sends `{ url, adminToken }`
 * when ready. `measureStart` / `measureStop` bracket a sync (`waitIdle`: until the worker is free again): peak RSS (sampled every 250 ms, plus
 * the process's lifetime maxRSS), event-loop delay percentiles from monitorEventLoopDelay, and the
 * process's CPU time (all threads).
 * BENCH_RSS_TRACE=1 prints the RSS every second on stderr (where in a sync the peak falls).
 * argv: <sqlite|postgres>
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { z } from 'zod';
import { serveParent } from './child-process.js';
import { startService } from '../src/service.js';
import { loadConfig } from '../src/config.js';
import { createTestDatabase } from '../test/support/databases.js';

const engine = z.enum(['sqlite', 'postgres']).parse(process.argv[2]);
const database = await createTestDatabase(engine);
const adminToken = `bench-${randomBytes(12).toString('hex')}`;
const config = loadConfig({
  PORT: '0', ACCESSIQ_DATA_DIR: database.dataDir, ACCESSIQ_ADMIN_TOKEN: adminToken, ACCESSIQ_ALLOW_INSECURE_ENDPOINTS: '1',
  ACCESSIQ_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
});
// the worker picks a queued run up within 50 ms (default polling would add up to its interval to every figure);
// runs execute in the sync thread as in production, so the lag measured here is the API's loop
// (ACCESSIQ_SYNC_THREAD=0 in the bench's environment measures the in-process executor instead)
const service = await startService(config, { workerPollMs: 50, scheduler: false });

const MiB = 1024 * 1024;
const lag = monitorEventLoopDelay({ resolution: 10 });
let peakRss = 0;
let cpuAtStart = process.cpuUsage();
// 250 ms: reading RSS costs a syscall (at 50 ms it was ~2% of the profile); maxRSS catches the spikes between
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 250);
sampler.unref();
if (process.env.BENCH_RSS_TRACE) setInterval(() => process.stderr.write(`rss ${Math.round(process.memoryUsage.rss() / MiB)}\n`), 1000).unref();

serveParent(
  { url: service.url, adminToken },
  {
    measureStart() {
      cpuAtStart = process.cpuUsage();
      peakRss = process.memoryUsage.rss();
      lag.reset();
      lag.enable();
    },
    /** Resolves once the worker holds no run: a run's work after its commit (SQLite's WAL checkpoint,
     * PostgreSQL's ANALYZE after a bulk apply) is counted in that run, not in the next one. */
    async waitIdle() {
      while (service.ctx.worker?.activeRunId()) await new Promise((r) => setTimeout(r, 10));
    },
    measureStop() {
      lag.disable();
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
      return {
        peakRssMiB: Math.round(peakRss / MiB),
        // lifetime peak of the process (kernel's count, catches spikes between samples)
        maxRssMiB: Math.round((process.resourceUsage().maxRSS * 1024) / MiB),
        heapUsedMiB: Math.round(process.memoryUsage().heapUsed / MiB),
        lagP50Ms: ms(lag.percentile(50)),
        lagP99Ms: ms(lag.percentile(99)),
        lagMaxMs: ms(lag.max),
        // every thread of the process (API, sync thread, GC): steadier than wall time on a shared machine
        cpuMs: Math.round(((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpuAtStart))),
      };
    },
  },
  async () => {
    clearInterval(sampler);
    await service.close();
    await database.drop();
  },
);
