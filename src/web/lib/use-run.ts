import { useEffect, useState } from 'react';
import { get, type ApiFailure } from '../api/client.js';
import { runGuard, type Run } from '../api/types.js';
import { toFailure } from './use-async.js';

const FINISHED = new Set(['succeeded', 'failed', 'blocked', 'rejected']);
export const isFinished = (r: Run) => FINISHED.has(r.status);

/** Polls GET /sync-runs/:id until the run finishes (the `progress` field moves meanwhile). */
export function useRun(runId: string | null, intervalMs = 400) {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!runId) { setRun(null); return; }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const r = await get(`/sync-runs/${encodeURIComponent(runId)}`, runGuard);
        if (stopped) return;
        setRun(r);
        setError(null);
        if (!isFinished(r)) timer = setTimeout(poll, intervalMs);
      } catch (e) {
        if (stopped) return;
        setError(toFailure(e));
        timer = setTimeout(poll, intervalMs * 5);
      }
    };
    void poll();
    return () => { stopped = true; if (timer) clearTimeout(timer); };
  }, [runId, intervalMs, tick]);
  return { run, error, refresh: () => setTick((t) => t + 1) };
}
