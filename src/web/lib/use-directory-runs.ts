import { all, get } from '../api/client.js';
import { directoryPage, runPage, type Directory, type Run } from '../api/types.js';
import { useAsync } from './use-async.js';

/** Directories with their recent runs (newest first): what the dashboard and chart are made of. */
export function useDirectoriesWithRuns() {
  return useAsync(async () => {
    const directories = await all('/directories', directoryPage);
    const runs = await Promise.all(directories.map(async (d) => (await get(`/directories/${encodeURIComponent(d.id)}/runs?limit=50`, runPage)).data));
    return directories.map((d, i): { directory: Directory; runs: Run[] } => ({ directory: d, runs: runs[i] ?? [] }));
  }, []);
}
