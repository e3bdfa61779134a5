/**
 * Walks a Graph collection or delta round page by page, following `@odata.nextLink` verbatim
 * (it encodes `$select`, `$top` and the opaque `$skiptoken`). Refuses links that leave the Graph
 * origin (the bearer token would follow them) and links that loop back.
 */
import type { z } from 'zod';
import { ProviderError } from '../provider-error.js';
import { redact } from '../http/http-client.js';
import type { EntraClient } from './client.js';
import { graphPageGuard } from './wire.js';
import { checked } from '../checked.js';

export interface GraphPage<T> {
  value: T[];
  nextLink?: string;
  deltaLink?: string;
}

export async function* graphPages<T extends z.ZodType>(client: EntraClient, firstUrl: string, item: T, what: string): AsyncIterable<GraphPage<z.infer<T>>> {
  const guard = graphPageGuard(item);
  const origin = new URL(client.graphBase).origin;
  const seen = new Set<string>();
  let previous: string | null = null;
  let url: string | undefined = firstUrl;
  while (url) {
    if (new URL(url).origin !== origin)
      throw new ProviderError('invalid_response', `Microsoft Graph sent a paging link to another host (${new URL(url).host}) while listing ${what}; refusing to follow it.`, { url: redact(url) });
    // the same link twice in a row is a replayed page (harmless); a link seen earlier is a loop
    if (seen.has(url) && url !== previous)
      throw new ProviderError('invalid_response', `Microsoft Graph's paging links loop while listing ${what}; the read was stopped to avoid an endless sync.`, { url: redact(url) });
    seen.add(url);
    const body = await client.getJson(url);
    const parsed = checked(guard, body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProviderError('invalid_response', `Microsoft Graph sent an unexpected page while listing ${what}: ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}.`, { url: redact(url) });
    }
    const page = parsed.data;
    previous = url;
    url = page['@odata.nextLink'];
    yield { value: page.value, nextLink: page['@odata.nextLink'], deltaLink: page['@odata.deltaLink'] };
  }
}
