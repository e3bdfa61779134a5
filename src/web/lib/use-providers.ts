import { get } from '../api/client.js';
import { providerList } from '../api/types.js';
import { useAsync } from './use-async.js';

/** Providers with their capabilities and default mappings (GET /providers). */
export function useProviders() {
  return useAsync(async () => (await get('/providers', providerList)).data, []);
}
