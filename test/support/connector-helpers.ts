/** Small helpers shared by the connector tests. */
import { ProviderError } from '../../src/providers/provider-error.js';

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
