/**
 * One measured sync through the REST API of the service process: Sync Now, poll the run every
 * 100 ms until it finishes, and bracket it with the service's RSS / event-loop-lag sampling.
 */
import { z } from 'zod';
import type { HelperProcess } from './child-process.js';

export const serviceMeasureGuard = z.object({
  peakRssMiB: z.number(), maxRssMiB: z.number(), heapUsedMiB: z.number(), lagP50Ms: z.number(), lagP99Ms: z.number(), lagMaxMs: z.number(), cpuMs: z.number(),
});
export type ServiceMeasure = z.infer<typeof serviceMeasureGuard>;

const runGuard = z.looseObject({
  id: z.string(),
  status: z.string(),
  mode: z.string(),
  counts: z.record(z.string(), z.number().optional()),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullable(),
  durationMs: z.number().nullable(),
});

export interface SyncStep {
  /** Wall time from Sync Now to the finished run, as a client sees it. */
  ms: number;
  status: string;
  mode: string;
  counts: Record<string, number | undefined>;
  error: string | null;
  service: ServiceMeasure;
}

export interface ServiceApi {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

export function serviceApi(url: string, token: string): ServiceApi {
  return {
    async call(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
  };
}

export async function createDirectory(api: ServiceApi, provider: string, credentials: unknown): Promise<string> {
  const r = await api.call('POST', '/api/v1/directories', { name: `bench ${provider}`, provider, credentials });
  if (r.status !== 201) throw new Error(`creating the directory → ${r.status} ${JSON.stringify(r.body)}`);
  return z.object({ id: z.string() }).parse(r.body).id;
}

export async function measuredSync(service: HelperProcess, api: ServiceApi, directoryId: string, body: { full?: boolean } = {}, timeoutMs = 1_800_000): Promise<SyncStep> {
  await service.call('measureStart');
  const t0 = performance.now();
  const r = await api.call('POST', `/api/v1/directories/${directoryId}/sync`, body);
  if (r.status !== 202) throw new Error(`Sync Now → ${r.status} ${JSON.stringify(r.body)}`);
  const runId = z.object({ id: z.string() }).parse(r.body).id;
  for (;;) {
    await new Promise((res) => setTimeout(res, 100));
    const g = await api.call('GET', `/api/v1/sync-runs/${runId}`);
    const run = runGuard.parse(g.body);
    if (['succeeded', 'failed', 'blocked', 'rejected'].includes(run.status)) {
      // the run's work after its commit (checkpoint, statistics) is its own, not the next run's
      await service.call('waitIdle');
      const ms = performance.now() - t0;
      const measure = serviceMeasureGuard.parse(await service.call('measureStop'));
      return { ms, status: run.status, mode: run.mode, counts: run.counts, error: run.error ? `${run.error.code}: ${run.error.message}` : null, service: measure };
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`run ${runId} did not finish in ${timeoutMs} ms`);
  }
}
