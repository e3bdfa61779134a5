/** Login -> person lookup for `/api/v1/users/{login}`, rebuilt lazily when the directory changed. */
import type { DirectoryState, PersonRecord } from '../shared/directory-state.js';

export function createLoginIndex(state: DirectoryState): (login: string) => PersonRecord | undefined {
  let version = -1;
  let map = new Map<string, PersonRecord>();
  return (login) => {
    if (version !== state.version) {
      map = new Map();
      for (const p of state.people) map.set(p.login.toLowerCase(), p);
      version = state.version;
    }
    return map.get(login.toLowerCase());
  };
}
