/**
 * Incremental (delta) runs under faults, for providers with a delta API (Entra). A delta round is
 * applied only once it reaches its final delta link (DESIGN invariant 1); an expired delta token
 * (410 syncStateNotFound) falls back to a full read. Providers without deltas get an n/a row.
 */
import type { FaultCase } from './fault-cases.js';

const USERS_DELTA = '/v1.0/users/delta';

export const DELTA_CASES: FaultCase[] = [
  { name: 'delta round, no fault (baseline)', mode: 'auto', expect: 'succeeded', expectMode: 'incremental', faults: () => [] },
  { name: 'delta round: 5xx (persistent)', mode: 'auto', expect: 'failed', faults: () => [{ kind: 'status', status: 503, match: { path: USERS_DELTA }, times: -1 }] },
  { name: 'delta round: ends without a delta link', mode: 'auto', expect: 'failed', faults: () => [{ kind: 'premature_end', match: { path: USERS_DELTA, page: 1 }, times: 1 }] },
  { name: 'delta round: connection cut (once)', mode: 'auto', expect: 'succeeded', expectMode: 'incremental', faults: () => [{ kind: 'cut', match: { path: USERS_DELTA }, times: 1 }] },
  {
    name: 'delta token expired (410 syncStateNotFound)', mode: 'auto', expect: 'succeeded', expectMode: 'full',
    prepare: (r) => r.expireDeltaTokens(), faults: () => [],
  },
];
