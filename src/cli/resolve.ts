/**
 * Lets commands take a directory or organization by id or by name: `accessiq sync "Acme Okta"`.
 * An id is tried first; a 404 falls back to a case-insensitive name match over the list.
 */
import type { z } from 'zod';
import { ApiCallError, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { directoryGuard, organizationGuard, type DirectoryView } from './wire.js';

async function byIdOrName<T extends z.ZodType<{ id: string; name: string }>>(
  client: ApiClient,
  what: string,
  listPath: string,
  guard: T,
  ref: string,
  listCommand: string,
): Promise<z.infer<T>> {
  try {
    return await client.get(`${listPath}/${encodeURIComponent(ref)}`, guard);
  } catch (err) {
    if (!(err instanceof ApiCallError && err.status === 404)) throw err;
  }
  const wanted = ref.trim().toLowerCase();
  const matches = (await client.all(listPath, guard)).filter((x) => x.name.trim().toLowerCase() === wanted);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new CliError(`${matches.length} ${what}s are named "${ref}".`, { details: matches.map((m) => m.id), hint: 'Give the id instead.' });
  }
  throw new CliError(`No ${what} with id or name "${ref}".`, { hint: `List them with \`${listCommand}\`.` });
}

export function resolveDirectory(client: ApiClient, ref: string): Promise<DirectoryView> {
  return byIdOrName(client, 'directory', '/directories', directoryGuard, ref, 'accessiq directory list');
}

export async function resolveOrganizationId(client: ApiClient, ref: string): Promise<string> {
  // GET /organizations/:id may not exist in every version; the list always does.
  const orgs = await client.all('/organizations', organizationGuard);
  const byId = orgs.find((o) => o.id === ref);
  if (byId) return byId.id;
  const wanted = ref.trim().toLowerCase();
  const matches = orgs.filter((o) => o.name.trim().toLowerCase() === wanted);
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length > 1) throw new CliError(`${matches.length} organizations are named "${ref}".`, { details: matches.map((m) => m.id), hint: 'Give the id instead.' });
  throw new CliError(`No organization with id or name "${ref}".`, { hint: 'List them with `accessiq organizations list`.' });
}
