/**
 * The read-side fault cases: one fault injected through the emulator's fault switch, one sync.
 * `expect` is the outcome the product must reach (a bad 2xx body once is asked for again by every
 * connector, so it must converge); `any` where both outcomes are correct — the state check decides then. `unsupported` says why a
 * provider cannot express the fault (shown in the table).
 */
import type { Fault } from '../../../emulators/shared/faults.js';
import { ATTEMPTS, TIMEOUT_MS, type FaultRig } from './fault-rig.js';

export type Outcome = 'succeeded' | 'failed' | 'blocked';

export interface FaultCase {
  name: string;
  faults(r: FaultRig): Fault[];
  expect: Outcome | 'any';
  unsupported?(r: FaultRig): string | null;
  /** `full` (default: the read faults hit a full read) or `auto` (the service picks, as Sync Now). */
  mode?: 'full' | 'auto';
  /** The run mode the service must have used. */
  expectMode?: 'full' | 'incremental';
  /** Something to do at the source besides the fault (e.g. expire delta tokens). */
  prepare?(r: FaultRig): void;
  /** A known product bug: the invariant is still what the test asserts, under it.fails (flip it
   * to it() once fixed); the table names the bug. */
  knownBug?: string;
}

const PERSISTENT = -1;
const slow = TIMEOUT_MS + 400;

export const FAULT_CASES: FaultCase[] = [
  { name: '5xx on users page 3 (persistent)', expect: 'failed', faults: (r) => [{ kind: 'status', status: 500, match: { path: r.adapter.usersPath, page: 3 }, times: PERSISTENT }] },
  { name: '5xx on users page 3 (once, retried)', expect: 'succeeded', faults: (r) => [{ kind: 'status', status: 503, match: { path: r.adapter.usersPath, page: 3 }, times: 1 }] },
  { name: 'timeout on users page 2 (persistent)', expect: 'failed', faults: (r) => [{ kind: 'slow', delayMs: slow, match: { path: r.adapter.usersPath, page: 2 }, times: PERSISTENT }] },
  { name: 'timeout on users page 2 (once, retried)', expect: 'succeeded', faults: (r) => [{ kind: 'slow', delayMs: slow, match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: '5xx on groups page 1 (persistent)', expect: 'failed', faults: (r) => [{ kind: 'status', status: 502, match: { path: r.profile.groupsPath, page: 1 }, times: PERSISTENT }] },
  { name: 'timeout on groups page 1 (once, retried)', expect: 'succeeded', faults: (r) => [{ kind: 'slow', delayMs: slow, match: { path: r.profile.groupsPath, page: 1 }, times: 1 }] },
  { name: "5xx on page 2 of a group's members (persistent)", expect: 'failed', faults: (r) => [{ kind: 'status', status: 500, match: { path: r.profile.membersPath(r.bigGroupId), page: 2 }, times: PERSISTENT }] },
  { name: "timeout on page 2 of a group's members (once)", expect: 'succeeded', faults: (r) => [{ kind: 'slow', delayMs: slow, match: { path: r.profile.membersPath(r.bigGroupId), page: 2 }, times: 1 }] },
  { name: '429 storm, Retry-After: 1 (x2)', expect: 'succeeded', faults: (r) => [{ kind: 'rate_limit', retryAfterSeconds: 1, match: { path: r.adapter.usersPath, page: 2 }, times: ATTEMPTS - 1 }] },
  {
    name: '429 storm, Retry-After HTTP-date (x2)', expect: 'succeeded',
    faults: (r) => [{ kind: 'rate_limit', retryAfterHttpDate: new Date(Date.now() + 1500).toUTCString(), match: { path: r.adapter.usersPath, page: 2 }, times: ATTEMPTS - 1 }],
  },
  {
    name: '429 storm, no Retry-After (x2)', expect: 'succeeded',
    unsupported: (r) => (r.profile.bare429 ? null : 'Okta always sends X-Rate-Limit-Reset (see the reset row)'),
    faults: (r) => [{ kind: 'status', status: 429, match: { path: r.adapter.usersPath, page: 2 }, times: ATTEMPTS - 1 }],
  },
  {
    name: '429 storm, X-Rate-Limit-Reset (x2)', expect: 'succeeded',
    unsupported: (r) => (r.profile.oktaReset ? null : 'Okta-only header'),
    faults: (r) => [{ kind: 'rate_limit', oktaResetSeconds: 1, match: { path: r.adapter.usersPath, page: 2 }, times: ATTEMPTS - 1 }],
  },
  { name: '429 storm outlasting the retries', expect: 'failed', faults: (r) => [{ kind: 'rate_limit', retryAfterSeconds: 0, oktaResetSeconds: 0, match: { path: r.adapter.usersPath, page: 2 }, times: PERSISTENT }] },
  { name: 'connection cut mid-body (once)', expect: 'succeeded', faults: (r) => [{ kind: 'cut', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'connection reset, no response (once)', expect: 'succeeded', faults: (r) => [{ kind: 'drop', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'connection cut mid-body (persistent)', expect: 'failed', faults: (r) => [{ kind: 'cut', match: { path: r.adapter.usersPath, page: 2 }, times: PERSISTENT }] },
  { name: 'truncated JSON (once)', expect: 'succeeded', faults: (r) => [{ kind: 'truncated_json', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'invalid JSON (once)', expect: 'succeeded', faults: (r) => [{ kind: 'invalid_json', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'empty 200 (once)', expect: 'succeeded', faults: (r) => [{ kind: 'empty_200', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'truncated JSON (persistent)', expect: 'failed', faults: (r) => [{ kind: 'truncated_json', match: { path: r.adapter.usersPath, page: 2 }, times: PERSISTENT }] },
  { name: 'expired token mid-run (refreshed once)', expect: 'succeeded', faults: (r) => [{ kind: 'expired_token', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'duplicate records across pages', expect: 'succeeded', faults: (r) => [{ kind: 'duplicate_records', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'a page served twice', expect: 'any', faults: (r) => [{ kind: 'repeat_page', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: 'paging cursor loops', expect: 'failed', faults: (r) => [{ kind: 'loop_cursor', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }] },
  { name: "duplicate members across a group's pages", expect: 'succeeded', faults: (r) => [{ kind: 'duplicate_records', match: { path: r.profile.membersPath(r.bigGroupId), page: 2 }, times: 1 }] },
  { name: "group's member cursor loops", expect: 'failed', faults: (r) => [{ kind: 'loop_cursor', match: { path: r.profile.membersPath(r.bigGroupId), page: 2 }, times: 1 }] },
  {
    // the chain ends after page 2 of 3: the last page's users look removed. No provider's plain
    // list says how many records to expect; the sync reads each "removed" user from its own
    // endpoint before removing anything (sync/confirm-removals.ts), finds them, and fails the run.
    name: 'premature end of users after page 2 of 3', expect: 'failed',
    faults: (r) => [{ kind: 'premature_end', match: { path: r.adapter.usersPath, page: 2 }, times: 1 }],
  },
  {
    // the same on every read: a second listing would agree with the first, the record reads do not
    name: 'premature end of users after page 2 (persistent)', expect: 'failed',
    faults: (r) => [{ kind: 'premature_end', match: { path: r.adapter.usersPath, page: 2 }, times: PERSISTENT }],
  },
  {
    // the big group's member chain ends one page early: the last page's members look removed; the
    // group is listed again before any membership is removed, and the second listing has them
    name: "premature end of a big group's members (next-to-last page)", expect: 'failed',
    faults: (r) => {
      const g = r.emu.emulator.state.group(r.bigGroupKey)!;
      const pages = Math.ceil((g.memberKeys.length + g.childGroupKeys.length) / r.profile.membersPageSize);
      return [{ kind: 'premature_end', match: { path: r.profile.membersPath(r.bigGroupId), page: Math.max(1, pages - 1) }, times: 1 }];
    },
  },
];
