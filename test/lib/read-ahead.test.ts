/**
 * readAhead (src/lib/read-ahead.ts): the next page is asked for before the current one is handed
 * out, never more than one ahead; a failed page is raised where it would have been handed out (and
 * never as an unhandled rejection while the caller is busy); a caller that stops early lets the
 * source clean up.
 */
import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/lib/read-ahead.js';

/** A paged source that records when each page was asked for and when the source was closed. */
function pagedSource(pages: number, failAt?: number) {
  const log: string[] = [];
  async function* source() {
    try {
      for (let i = 1; i <= pages; i++) {
        log.push(`fetch ${i}`);
        await new Promise((r) => setImmediate(r));
        if (i === failAt) throw new Error(`page ${i} failed`);
        yield i;
      }
    } finally {
      log.push('closed');
    }
  }
  return { log, source: source() };
}

describe('readAhead', () => {
  it('asks for page N+1 before handing out page N, one page ahead at most', async () => {
    const { log, source } = pagedSource(3);
    for await (const page of readAhead(source)) {
      log.push(`work ${page}`);
      // the caller is busy: the request for the next page is already out, and only that one
      await new Promise((r) => setTimeout(r, 5));
    }
    // the source runs to its end (closed) while the last page is still being worked on
    expect(log).toEqual(['fetch 1', 'fetch 2', 'work 1', 'fetch 3', 'work 2', 'closed', 'work 3']);
  });

  it('raises a failed page where it would have been handed out, not while the caller works', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { log, source } = pagedSource(3, 2);
      const seen: number[] = [];
      await expect((async () => {
        for await (const page of readAhead(source)) {
          seen.push(page);
          // page 2's request fails while page 1 is worked on
          await new Promise((r) => setTimeout(r, 20));
        }
      })()).rejects.toThrow('page 2 failed');
      expect(seen).toEqual([1]);
      expect(log).toEqual(['fetch 1', 'fetch 2', 'closed']);
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('closes the source when the caller stops early, once the page asked for ahead has arrived', async () => {
    const { log, source } = pagedSource(5);
    for await (const page of readAhead(source)) if (page === 2) break;
    expect(log).toEqual(['fetch 1', 'fetch 2', 'fetch 3', 'closed']);
  });
});
