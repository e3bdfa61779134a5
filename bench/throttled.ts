/**
 * The throttled run: the emulator enforces each provider's kind of limit, scaled down in time so
 * that for this directory the floor the limits allow is about `targetMs` over a few windows:
 *   Okta   — per-endpoint buckets per minute (the members listing is the largest bucket);
 *   Entra  — Graph's budget per app and tenant per 10 s;
 *   Google — the Directory API queries per minute (per-user quota).
 * The published budgets (Okta 600 list-users a minute, Graph 8,000 resource units per 10 s,
 * Google 2,400 queries a minute) exceed what a 10k-user read needs in one window, so at real scale
 * they would not bind at all; the window is shortened to targetMs / 4 (at least 2 s and at most the
 * provider's own window: Okta's reset header counts whole seconds, so short windows cost Okta's
 * pacing up to a second each) and the budget per window set so
 * the largest bucket needs targetMs. Floor = largest bucket's requests ÷ budget × window (steady
 * rate), or the unthrottled raw fetch if slower. Figures: sync ÷ floor (≤ 1.1) and 429 share (< 1%).
 */
import { z } from 'zod';
import { createDirectory, measuredSync, type SyncStep } from './measure.js';
import { rawClientFor, rawFetch, type Provider, type RawFetchResult } from './raw-fetch.js';
import { startEmulator, startServiceProcess, type Engine, type Size } from './scenario.js';

export const WINDOW_MS: Record<Provider, number> = { okta: 60_000, entra: 10_000, google: 60_000 };

export interface ThrottledResult {
  provider: Provider;
  engine: Engine;
  size: Size;
  limit: { requests: number; windowMs: number };
  raw: RawFetchResult;
  floorMs: number;
  sync: SyncStep | null;
  responses: number;
  throttled: number;
  failed: string | null;
}

export async function runThrottled(o: { provider: Provider; engine: Engine; size: Size; targetMs: number; select: { user: string; group: string }; log: (l: string) => void }): Promise<ThrottledResult> {
  const { provider, engine, size } = o;
  // 1. the requests a full read needs, per bucket, from an unthrottled raw fetch
  const plain = await startEmulator(provider, size);
  let raw: RawFetchResult;
  try {
    raw = await rawFetch(rawClientFor(provider, plain.credentials, o.select));
  } finally {
    await plain.helper.stop();
  }
  const windowMs = Math.round(Math.min(WINDOW_MS[provider], Math.max(2_000, o.targetMs / 4)));
  const largest = Math.max(...Object.values(raw.byBucket));
  const requests = Math.max(1, Math.ceil((largest * windowMs) / o.targetMs));
  const limit = { requests, windowMs };
  const floorMs = Math.max(raw.ms, Math.max(...Object.values(raw.byBucket).map((n) => (n / requests) * windowMs)));
  const result: ThrottledResult = { provider, engine, size, limit, raw, floorMs, sync: null, responses: 0, throttled: 0, failed: null };

  // 2. a first full sync against the throttled emulator
  const emulator = await startEmulator(provider, size, limit);
  let service: Awaited<ReturnType<typeof startServiceProcess>> | undefined;
  try {
    // the connectors are told the scaled window, as they would know the published one (see
    // docs/decisions.md, "Client-side rate pacing"); the budget they still learn from the provider
    process.env.ACCESSIQ_RATE_WINDOW_MS = String(windowMs);
    try {
      service = await startServiceProcess(engine);
    } finally {
      delete process.env.ACCESSIQ_RATE_WINDOW_MS;
    }
    const dir = await createDirectory(service.api, provider, emulator.credentials);
    await emulator.helper.call('resetStatuses');
    result.sync = await measuredSync(service.helper, service.api, dir, { full: true });
    const statuses = z.record(z.string(), z.number()).parse(await emulator.helper.call('statuses'));
    result.responses = Object.values(statuses).reduce((a, b) => a + b, 0);
    result.throttled = statuses['429'] ?? 0;
    if (result.sync.status !== 'succeeded') throw new Error(`throttled sync ${result.sync.status}${result.sync.error ? ` — ${result.sync.error}` : ''}`);
    o.log(`  ${provider} throttled: ${(result.sync.ms / 1000).toFixed(1)} s, floor ${(floorMs / 1000).toFixed(1)} s, 429s ${result.throttled}/${result.responses}`);
  } catch (err) {
    result.failed = err instanceof Error ? err.message : String(err);
    o.log(`  ${provider} throttled FAILED: ${result.failed}`);
  } finally {
    await service?.helper.stop();
    await emulator.helper.stop();
  }
  return result;
}
