import { all } from '../api/client.js';
import { organizationPage, rolePage } from '../api/types.js';
import { useAsync } from './use-async.js';

/** The tenant's organizations and roles, for the pickers of default role and group mappings. */
export function useTenantLists() {
  return useAsync(async () => {
    const [organizations, roles] = await Promise.all([all('/organizations', organizationPage), all('/roles', rolePage)]);
    return { organizations, roles };
  }, []);
}
