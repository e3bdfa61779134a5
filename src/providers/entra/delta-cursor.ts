/**
 * The opaque cursor the sync engine stores per directory: both Graph delta links, as base64url
 * JSON. Links are stored whole (Graph's tokens are opaque and their `$select` is frozen in them).
 */
import { z } from 'zod';
import { ProviderError } from '../provider-error.js';

const cursorGuard = z.object({ v: z.literal(1), users: z.url(), groups: z.url() });

export function encodeDeltaCursor(links: { users: string; groups: string }): string {
  return Buffer.from(JSON.stringify({ v: 1, ...links })).toString('base64url');
}

/** A cursor that does not parse, or points at another Graph host than configured, needs a full read. */
export function decodeDeltaCursor(cursor: string, graphOrigin: string): { users: string; groups: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = cursorGuard.safeParse(json);
  if (!parsed.success) throw new ProviderError('delta_expired', 'The stored Entra ID delta cursor is not readable; a full read is needed.');
  const { users, groups } = parsed.data;
  if (new URL(users).origin !== graphOrigin || new URL(groups).origin !== graphOrigin)
    throw new ProviderError('delta_expired', 'The stored Entra ID delta cursor belongs to another Graph endpoint; a full read is needed.');
  return { users, groups };
}
