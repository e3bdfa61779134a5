/** Small helpers shared by the connector tests. */
import { ProviderError } from '../../src/providers/provider-error.js';
import type { DirectoryConnector } from '../../src/providers/types.js';

/** Every record of a paged listing. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

/** The ProviderError a promise rejects with (fails the test when it resolves or throws something else). */
export async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProviderError) return e;
    throw e;
  }
  throw new Error('expected a ProviderError');
}

/** Reads every user, group and direct membership through a connector, counting them. */
export async function countFullRead(connector: DirectoryConnector) {
  let users = 0;
  for await (const page of connector.listUsers()) users += page.length;
  const groups: string[] = [];
  for await (const page of connector.listGroups()) groups.push(...page.map((g) => g.externalId));
  let memberships = 0;
  for (const g of groups) for await (const page of connector.listGroupMembers(g)) memberships += page.length;
  return { users, groups, memberships };
}
