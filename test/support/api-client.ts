/** A small typed client of the public REST API, as other tools would use it. */
export interface ApiResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- test bodies are asserted field by field
  status: number;
  body: T;
}

export function createApiClient(base: string, token: string) {
  async function call<T>(method: string, path: string, body?: unknown, tok = token): Promise<ApiResponse<T>> {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* keep text */ }
    return { status: res.status, body: parsed as T };
  }
  const api = {
    call,
    get: <T = any>(p: string, tok?: string) => call<T>('GET', p, undefined, tok), // eslint-disable-line @typescript-eslint/no-explicit-any
    post: <T = any>(p: string, b: unknown = {}, tok?: string) => call<T>('POST', p, b, tok), // eslint-disable-line @typescript-eslint/no-explicit-any
    patch: <T = any>(p: string, b: unknown, tok?: string) => call<T>('PATCH', p, b, tok), // eslint-disable-line @typescript-eslint/no-explicit-any
    del: <T = any>(p: string, tok?: string) => call<T>('DELETE', p, undefined, tok), // eslint-disable-line @typescript-eslint/no-explicit-any
    /** Every item of a paged list. */
    async all<T = any>(p: string, tok?: string): Promise<T[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const out: T[] = [];
      let cursor: string | null = null;
      do {
        const sep = p.includes('?') ? '&' : '?';
        const r: ApiResponse<{ data: T[]; nextCursor: string | null }> = await call('GET', `${p}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, tok);
        if (r.status !== 200) throw new Error(`GET ${p} → ${r.status} ${JSON.stringify(r.body)}`);
        out.push(...r.body.data);
        cursor = r.body.nextCursor;
      } while (cursor);
      return out;
    },
    /** Sync Now, then wait for the run to finish (polling the API, as the console does). */
    async sync(directoryId: string, body: { dryRun?: boolean; full?: boolean } = {}, timeoutMs = 60_000) {
      const r = await call<{ id: string }>('POST', `/api/v1/directories/${directoryId}/sync`, body);
      if (r.status !== 202) throw new Error(`sync → ${r.status} ${JSON.stringify(r.body)}`);
      return api.waitForRun(r.body.id, timeoutMs);
    },
    async waitForRun(runId: string, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const g = await call<any>('GET', `/api/v1/sync-runs/${runId}`); // eslint-disable-line @typescript-eslint/no-explicit-any
        if (['succeeded', 'failed', 'blocked', 'rejected'].includes(g.body.status)) return g.body;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(g.body)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  return api;
}

export type ApiClient = ReturnType<typeof createApiClient>;
