/**
 * The contract between the sync engine and a directory provider. A connector knows its provider's
 * wire format, auth, paging, throttling and retries; it knows nothing of AccessIQ. `sync/` talks to
 * every provider through this interface only and never asks which provider it is.
 */
import type { ProviderError } from './provider-error.js';

/** A user as the directory holds it. `raw` is the provider's own record, unchanged: attribute
 * mappings address it by path (`profile.firstName`, `name.givenName`, …). */
export interface SourceUser {
  externalId: string;
  /** false when disabled at the source (Okta SUSPENDED/DEPROVISIONED, Entra accountEnabled=false,
   * Google suspended/archived, AD disabled flag): such users are deactivated in AccessIQ. */
  enabled: boolean;
  /** Organizational unit path where the provider has them (`/Sales/EMEA`), for the user filter. */
  orgUnitPath?: string | null;
  raw: Record<string, unknown>;
}

export interface SourceGroup {
  externalId: string;
  name: string;
  description?: string | null;
  raw: Record<string, unknown>;
}

/** A direct member of a group; `group` members appear only where the provider nests groups. */
export interface SourceMember {
  type: 'user' | 'group';
  externalId: string;
}

export interface SourceOrgUnit {
  path: string;
  name: string;
  parentPath: string | null;
}

export interface ConnectorCapabilities {
  supportsDelta: boolean;
  supportsNestedGroups: boolean;
  supportsOrgUnits: boolean;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** One sentence for the admin: "Connected to acme.okta.com: 1,204 users visible." or what to fix. */
  message: string;
  code?: ProviderError['code'];
  details?: Record<string, unknown>;
}

/** Delta results (providers with a delta API). `complete` is false until the final delta link is
 * reached; a round is applied only when it is complete (DESIGN invariant 1). */
export interface DeltaChanges {
  users: Array<{ removed: boolean; user: SourceUser | { externalId: string } }>;
  groups: Array<{ removed: boolean; group: SourceGroup | { externalId: string } }>;
  memberships: Array<{ groupExternalId: string; member: SourceMember; removed: boolean }>;
  /** Opaque cursor to pass to the next `changesSince`. */
  cursor: string;
}

/** Counts what the connector did, for the run record and the benchmarks. */
export interface ConnectorStats {
  requests: number;
  retries: number;
  throttled: number;
}

export interface DirectoryConnector {
  readonly capabilities: ConnectorCapabilities;
  readonly stats: ConnectorStats;
  /** Authenticates and reads one page of users and groups; never throws, reports in the result. */
  testConnection(): Promise<ConnectionTestResult>;
  /** Pages of users, in the provider's own page size. Throws ProviderError on any failure that
   * outlived the retries: the caller then treats the whole read as failed. */
  listUsers(): AsyncIterable<SourceUser[]>;
  listGroups(): AsyncIterable<SourceGroup[]>;
  listGroupMembers(groupExternalId: string): AsyncIterable<SourceMember[]>;
  /** One record by id, read from the record's own endpoint rather than a listing: null when the
   * directory no longer has it. The sync confirms removals with these (sync/confirm-removals.ts). */
  getUser(externalId: string): Promise<SourceUser | null>;
  getGroup(externalId: string): Promise<SourceGroup | null>;
  listOrgUnits?(): Promise<SourceOrgUnit[]>;
  /** Where supportsDelta: a cursor for "now" after a full read (`startDelta`), and the changes since
   * a cursor. Throws ProviderError('delta_expired') when the cursor is no longer valid. */
  startDelta?(): Promise<string>;
  changesSince?(cursor: string): Promise<DeltaChanges>;
}

/** What the connector needs besides the credentials: logging hooks and network policy. */
export interface ConnectorContext {
  /** Called for every HTTP request made (method, url without secrets, status, ms); for metrics. */
  onRequest?: (e: { method: string; url: string; status: number; ms: number; retry: number }) => void;
  /** Abort all work (run cancelled, process stopping). */
  signal?: AbortSignal;
  /** Milliseconds; tests shorten backoff. Defaults per connector. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
}
