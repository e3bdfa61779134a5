/**
 * Fault injection shared by every emulator: a list of faults consulted once per request. A fault
 * matches on a pathname substring and optionally on the 1-based page of a listing; `times` counts
 * down (default 1, -1 = until cleared). Transport faults (slow, drop, cut, truncated/invalid JSON,
 * empty 200) are applied here; the provider renders status / rate_limit / expired_token bodies and
 * applies the paging faults (duplicate_records, repeat_page, loop_cursor, premature_end).
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';

const matchGuard = z.object({
  path: z.string().optional(),
  page: z.number().int().positive().optional(),
  method: z.string().optional(),
});

const common = { match: matchGuard.default({}), times: z.number().int().min(-1).optional() };

export const faultGuard = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('status'), status: z.number().int().min(100).max(599), body: z.unknown().optional() }),
  z.object({
    ...common,
    kind: z.literal('rate_limit'),
    retryAfterSeconds: z.number().min(0).optional(),
    retryAfterHttpDate: z.string().optional(),
    oktaResetSeconds: z.number().min(0).optional(),
  }),
  z.object({ ...common, kind: z.literal('slow'), delayMs: z.number().int().min(0) }),
  z.object({ ...common, kind: z.literal('drop') }),
  z.object({ ...common, kind: z.literal('cut') }),
  z.object({ ...common, kind: z.literal('truncated_json') }),
  z.object({ ...common, kind: z.literal('invalid_json') }),
  z.object({ ...common, kind: z.literal('empty_200') }),
  z.object({ ...common, kind: z.literal('expired_token') }),
  z.object({ ...common, kind: z.literal('duplicate_records') }),
  z.object({ ...common, kind: z.literal('repeat_page') }),
  z.object({ ...common, kind: z.literal('loop_cursor') }),
  z.object({ ...common, kind: z.literal('premature_end') }),
]);

export type Fault = z.input<typeof faultGuard>;
export type ParsedFault = z.output<typeof faultGuard>;
export type FaultKind = ParsedFault['kind'];
export type ActiveFault = ParsedFault & { id: string };

export const FAULT_KINDS: readonly FaultKind[] = faultGuard.options.map((o) => o.shape.kind.value);
/** Faults that change a listing's records or links rather than the response as a whole. */
export const PAGING_FAULT_KINDS: readonly FaultKind[] = ['duplicate_records', 'repeat_page', 'loop_cursor', 'premature_end'];

export interface FaultList {
  /** Validates (throws a ZodError on a bad fault) and adds; returns the fault id. */
  add(fault: Fault): string;
  remove(id: string): boolean;
  clear(): void;
  list(): readonly ActiveFault[];
  /**
   * The first fault matching this request, consumed (its `times` counted down). Faults with a
   * `match.page` only match when `page` is given, i.e. when the handler serves a listing.
   */
  take(request: { method: string; pathname: string; page?: number }): ActiveFault | undefined;
  /** Like take, but only among the given kinds (e.g. paging faults consulted while building a page). */
  takeKind(request: { method: string; pathname: string; page?: number }, kinds: readonly FaultKind[]): ActiveFault | undefined;
  readonly size: number;
}

export function createFaultList(): FaultList {
  let faults: Array<ActiveFault & { remaining: number }> = [];
  let counter = 0;

  const find = (req: { method: string; pathname: string; page?: number }, kinds?: readonly FaultKind[]) => {
    const i = faults.findIndex(
      (f) =>
        (!kinds || kinds.includes(f.kind)) &&
        (f.match.path === undefined || req.pathname.includes(f.match.path)) &&
        (f.match.method === undefined || f.match.method.toUpperCase() === req.method) &&
        (f.match.page === undefined || f.match.page === req.page),
    );
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (f.remaining > 0 && --f.remaining === 0) faults.splice(i, 1);
    const { remaining: _r, ...fault } = f;
    return fault;
  };

  return {
    add(fault) {
      const parsed = faultGuard.parse(fault);
      const id = `fault-${++counter}`;
      faults.push({ ...parsed, id, remaining: parsed.times ?? 1 });
      return id;
    },
    remove(id) {
      const before = faults.length;
      faults = faults.filter((f) => f.id !== id);
      return faults.length !== before;
    },
    clear() {
      faults = [];
    },
    list: () => faults.map(({ remaining: _r, ...f }) => f),
    take: (req) => (faults.length ? find(req) : undefined),
    takeKind: (req, kinds) => (faults.length ? find(req, kinds) : undefined),
    get size() {
      return faults.length;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends `body` while applying a transport fault (if any). `slow` delays and then sends normally.
 * Returns once the response is finished or the socket destroyed.
 */
export async function sendWithTransportFault(
  res: ServerResponse,
  fault: ActiveFault | undefined,
  status: number,
  headers: Record<string, string | string[]>,
  body: string,
): Promise<void> {
  const kind = fault?.kind;
  if (fault?.kind === 'slow') await sleep(fault.delayMs);
  if (res.destroyed) return;
  if (kind === 'drop') {
    res.socket?.destroy();
    return;
  }
  let payload = Buffer.from(body, 'utf8');
  if (kind === 'truncated_json') payload = payload.subarray(0, Math.max(1, Math.floor(payload.length / 2)));
  if (kind === 'invalid_json') payload = Buffer.from(`${body.slice(0, Math.max(1, Math.floor(body.length / 3)))}<html>oops}`, 'utf8');
  if (kind === 'empty_200') {
    status = 200;
    payload = Buffer.alloc(0);
  }
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (kind === 'cut') {
    // announce the full length, send half, then kill the connection mid-body
    res.setHeader('Content-Length', payload.length);
    res.flushHeaders();
    res.write(payload.subarray(0, Math.floor(payload.length / 2)));
    await new Promise<void>((resolve) => setImmediate(resolve));
    res.socket?.destroy();
    return;
  }
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}
