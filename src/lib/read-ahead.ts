/**
 * Iterates `source` one item ahead: the next item is asked for before the current one is handed
 * out, so a paged listing fetches page N+1 (the provider renders it, the network carries it) while
 * the caller works on page N. At most one request is in flight, as without it; an error of the
 * item asked for ahead is raised where that item would have been.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let pending = it.next();
  // handled now, awaited later: a failed request while the caller is busy is not "unhandled"
  pending.catch(() => undefined);
  let finished = false;
  try {
    for (;;) {
      const r = await pending;
      if (r.done) {
        finished = true;
        return;
      }
      pending = it.next();
      pending.catch(() => undefined);
      yield r.value;
    }
  } finally {
    // the caller stopped early (or a request failed): let the source clean up once its request settles
    if (!finished) await pending.then(() => it.return?.(), () => undefined);
  }
}
