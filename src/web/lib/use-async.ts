import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from '../api/client.js';

export interface AsyncState<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  loading: boolean;
  reload(): void;
}

export const toFailure = (e: unknown) => (e instanceof ApiFailure ? e : new ApiFailure(0, 'internal', e instanceof Error ? e.message : String(e)));

/** Loads on mount and whenever `deps` change; an answer that arrives after a newer request is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiFailure | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => { if (mine === seq.current) setState({ data, error: undefined, loading: false }); },
      (e: unknown) => { if (mine === seq.current) setState((s) => ({ data: s.data, error: toFailure(e), loading: false })); },
    );
    // the caller lists what `load` depends on in `deps`
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
