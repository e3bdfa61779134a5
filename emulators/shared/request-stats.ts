/** Request counters every emulator keeps: total and per pathname (exposed at /__admin/stats). */
export interface RequestStatsSnapshot {
  requests: number;
  byPath: Record<string, number>;
}

export interface RequestStats {
  count(pathname: string): void;
  snapshot(): RequestStatsSnapshot;
  reset(): void;
}

export function createRequestStats(): RequestStats {
  let requests = 0;
  let byPath = new Map<string, number>();
  return {
    count(pathname) {
      requests++;
      byPath.set(pathname, (byPath.get(pathname) ?? 0) + 1);
    },
    snapshot: () => ({ requests, byPath: Object.fromEntries(byPath) }),
    reset() {
      requests = 0;
      byPath = new Map();
    },
  };
}
