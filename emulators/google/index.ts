/**
 * Google Workspace emulator: the OAuth token endpoint (`POST /token`, JWT bearer grant for a
 * service account with domain-wide delegation) and the Admin SDK Directory API v1 under
 * `/admin/directory/v1`, serving the deterministic sample company; plus the shared `/__admin`
 * endpoint and fault switches. Speaks closely enough to Google that `@googleapis/admin` can list
 * from it (given a token fetched here, since Google's auth library hard-codes its token URL).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateCompany } from '../shared/company.js';
import { ADMIN_PREFIX, createAdminHandler } from '../shared/admin-routes.js';
import { createDirectoryState, type GroupRecord } from '../shared/directory-state.js';
import { closeServer, listen, type EmulatorBaseOptions, type EmulatorHandle } from '../shared/emulator-handle.js';
import { createFaultList, sendWithTransportFault, type ActiveFault } from '../shared/faults.js';
import { sendJson } from '../shared/http.js';
import { createRequestStats } from '../shared/request-stats.js';
import { ApiError, createDirectoryApi, DIRECTORY_PREFIX } from './directory-api.js';
import { googleErrorBody, reasonForStatus, sendAuthError, sendGoogleError, sendOAuthError } from './errors.js';
import { googleCustomerId, googleGroupId, googleUserId } from './ids.js';
import { decodePageToken } from './page-token.js';
import { primaryEmailOf, type RenderContext } from './render.js';
import { resolveServiceAccount, type EmulatorServiceAccountKey } from './service-account.js';
import { createTokenEndpoint, GOOGLE_TOKEN_AUD, READ_ONLY_SCOPES, type TokenEndpoint } from './token-endpoint.js';

export { googleErrorBody } from './errors.js';
export { READ_ONLY_SCOPES } from './token-endpoint.js';
export type { EmulatorServiceAccountKey } from './service-account.js';

export interface GoogleEmulatorOptions extends EmulatorBaseOptions {
  /** Domain of the emulated Workspace; default example.test. */
  domain?: string;
  /** Path of a service-account key JSON: written (new RSA key, token_uri → this emulator) if absent,
   * loaded and trusted if present. */
  keyFile?: string;
  /** A key (object or JSON text) to trust instead; its token_uri is pointed at this emulator. */
  serviceAccountKey?: unknown;
  /** The super admin a token may impersonate (`sub`); default `admin@<domain>`. Kept out of the user
   * listings unless a person of the company has this email, so the user count stays the company's. */
  adminEmail?: string;
  /** Scopes allow-listed for the client id (domain-wide delegation); full URLs or short names
   * (`admin.directory.user.readonly`). Default: the four read-only directory scopes. */
  scopes?: string[];
  /** Per-window request budget on the Directory API; over it Google's quota error is sent
   * (403 userRateLimitExceeded by default, 429 for rateLimitExceeded). */
  rateLimit?: { requests: number; windowMs?: number; reason?: 'userRateLimitExceeded' | 'rateLimitExceeded' | 'quotaExceeded' };
  /** Clock for token lifetimes and the rate-limit window. */
  now?: () => number;
}

export interface GoogleEmulatorHandle extends EmulatorHandle {
  /** The service-account key to give the connector (token_uri points at this emulator). */
  serviceAccountKey: EmulatorServiceAccountKey;
  adminEmail: string;
  /** The real customer id (`C0…`); `my_customer` works too. */
  customerId: string;
  tokenUrl: string;
  /** Forgets every issued access token (the next API call answers 401). */
  revokeTokens(): void;
}

const TRANSPORT_OR_PAGING = new Set(['slow', 'drop', 'cut', 'truncated_json', 'invalid_json', 'empty_200', 'duplicate_records', 'repeat_page', 'loop_cursor', 'premature_end']);
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8', vary: 'Origin, X-Origin, Referer' };

const slug = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'group';

export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulatorHandle> {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const company = generateCompany({ users: options.users ?? 100, groups: options.groups ?? 10, seed, ...(options.domain ? { domain: options.domain } : {}) });
  const state = createDirectoryState(company);
  const faults = createFaultList();
  const stats = createRequestStats();
  const customerId = googleCustomerId(seed);
  const adminEmail = (options.adminEmail ?? `admin@${state.domain}`).toLowerCase();
  const grantedScopes = new Set((options.scopes ?? READ_ONLY_SCOPES).map((s) => (s.startsWith('https://') ? s : `https://www.googleapis.com/auth/${s}`)));

  // ---- lookups kept in step with the mutable state ----------------------------------------------
  let emailIndexVersion = -1;
  let personByEmail = new Map<string, string>();
  const personKeyOfEmail = (email: string) => {
    if (emailIndexVersion !== state.version) {
      personByEmail = new Map(state.people.map((p) => [primaryEmailOf(p, state.domain).toLowerCase(), p.key]));
      emailIndexVersion = state.version;
    }
    return personByEmail.get(email);
  };
  // A group's address is fixed when first seen, so a rename keeps it (as in Google).
  const groupEmails = new Map<string, string>();
  const groupByEmail = new Map<string, string>();
  const emailOfGroup = (g: GroupRecord) => {
    let email = groupEmails.get(g.key);
    if (!email) {
      email = `${slug(g.name)}@${state.domain}`;
      if (groupByEmail.has(email)) email = `${slug(g.name)}-${g.index}@${state.domain}`;
      groupEmails.set(g.key, email);
      groupByEmail.set(email, g.key);
    }
    return email;
  };
  const groupKeyOfEmail = (email: string) => {
    for (const g of state.groups) emailOfGroup(g);
    const key = groupByEmail.get(email);
    return key && state.group(key) ? key : undefined;
  };
  let orgUnitVersion = -1;
  let orgUnitPaths: string[] = [];
  const orgUnits = () => {
    if (orgUnitVersion !== state.version) {
      const all = new Set(company.orgUnits);
      for (const p of state.people) {
        // people added through the admin endpoint may name a unit the company did not have
        for (let path = p.orgUnitPath; path.length > 1 && !all.has(path); path = path.slice(0, Math.max(1, path.lastIndexOf('/')))) all.add(path);
      }
      orgUnitPaths = [...all].sort();
      orgUnitVersion = state.version;
    }
    return orgUnitPaths;
  };

  const userIds: string[] = [];
  const groupIds: string[] = [];
  const render: RenderContext = {
    seed,
    domain: state.domain,
    customerId,
    adminEmail,
    emailOfPersonKey: (key) => {
      const p = state.person(key);
      return p ? primaryEmailOf(p, state.domain) : undefined;
    },
    emailOfGroup,
    userId: (index) => (userIds[index] ??= googleUserId(seed, index)),
    groupId: (index) => (groupIds[index] ??= googleGroupId(seed, index)),
  };
  const api = createDirectoryApi({ state, render, seed, customerId, orgUnits, personKeyOfEmail, groupKeyOfEmail });

  const idOfPerson = (key: string) => {
    const index = state.indexOfPersonKey(key);
    if (index === undefined) throw new Error(`no person ${key}`);
    return render.userId(index);
  };
  const idOfGroup = (key: string) => {
    const index = state.indexOfGroupKey(key);
    if (index === undefined) throw new Error(`no group ${key}`);
    return render.groupId(index);
  };
  const admin = createAdminHandler({ state, faults, stats, idOfPerson, idOfGroup });

  // ---- quota ------------------------------------------------------------------------------------
  let windowStart = now();
  let windowCount = 0;
  const overQuota = (): boolean => {
    const limit = options.rateLimit;
    if (!limit) return false;
    const windowMs = limit.windowMs ?? 60_000;
    if (now() - windowStart >= windowMs) {
      windowStart = now();
      windowCount = 0;
    }
    return ++windowCount > limit.requests;
  };

  // ---- server -----------------------------------------------------------------------------------
  // the token endpoint needs the key, whose token_uri needs the listening port: set once listening
  const ready: { tokens?: TokenEndpoint } = {};
  let baseUrl = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      sendGoogleError(res, 'internalError', err instanceof Error ? err.message : 'Internal error encountered.', 500);
    });
  });
  server.keepAliveTimeout = 30_000;

  /** Sends a status / rate_limit / expired_token fault; false for kinds applied later. */
  function sendFault(res: ServerResponse, fault: ActiveFault, oauth: boolean): boolean {
    if (fault.kind === 'status') {
      const body =
        fault.body === undefined || typeof fault.body === 'string'
          ? oauth
            ? { error: fault.status >= 500 ? 'internal_failure' : 'invalid_request', error_description: typeof fault.body === 'string' ? fault.body : 'Injected fault' }
            : googleErrorBody(typeof fault.body === 'string' ? fault.body : reasonForStatus(fault.status), undefined, fault.status)
          : fault.body;
      sendJson(res, fault.status, body, JSON_HEADERS);
      return true;
    }
    if (fault.kind === 'rate_limit') {
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      else if (fault.retryAfterHttpDate !== undefined) headers['retry-after'] = fault.retryAfterHttpDate;
      sendJson(res, 429, oauth ? { error: 'rate_limit_exceeded', error_description: 'Rate Limit Exceeded' } : googleErrorBody('rateLimitExceeded'), headers);
      return true;
    }
    if (fault.kind === 'expired_token') {
      if (oauth) sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
      else sendAuthError(res);
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith(ADMIN_PREFIX)) return admin(req, res, url);
    stats.count(url.pathname);

    if (url.pathname === '/token') {
      const fault = faults.take({ method, pathname: url.pathname });
      if (fault && sendFault(res, fault, true)) return;
      if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.kind === 'drop') return void res.socket?.destroy();
      if (method !== 'POST') return sendOAuthError(res, 405, 'invalid_request', 'Method not allowed');
      return ready.tokens!.handle(req, res);
    }

    if (!url.pathname.startsWith(`${DIRECTORY_PREFIX}/`)) return sendGoogleError(res, 'notFound', `Not Found: ${url.pathname}`, 404);
    const found = api.router.match(method, url.pathname);
    const route = found && api.routeOf(found.handler);
    if (!found || !route) return sendGoogleError(res, 'notFound', `Not Found: ${url.pathname}`, 404);
    const page = route.listing ? decodePageToken(url)?.page : undefined;
    const fault = faults.take({ method, pathname: url.pathname, ...(page !== undefined ? { page } : {}) });
    if (fault && sendFault(res, fault, false)) return;

    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? ready.tokens!.lookup(bearer) : undefined;
    if (!token) return sendAuthError(res);
    if (!api.allows(token, route)) return sendGoogleError(res, 'insufficientPermissions', undefined, 403);
    // a token for the service account itself, or for a user who is not an admin, reaches no directory data
    if (token.subject?.toLowerCase() !== adminEmail) return sendGoogleError(res, 'forbidden', undefined, 403);
    if (overQuota()) {
      const reason = options.rateLimit?.reason ?? 'userRateLimitExceeded';
      return sendGoogleError(res, reason);
    }

    let body: unknown;
    try {
      body = route.handle({ url, params: found.params, token, fault });
    } catch (err) {
      if (err instanceof ApiError) return sendGoogleError(res, err.reason, err.explicitMessage, err.code);
      throw err;
    }
    const transport = fault && TRANSPORT_OR_PAGING.has(fault.kind) ? fault : undefined;
    await sendWithTransportFault(res, transport, 200, { ...JSON_HEADERS, etag: etagHeader(body) }, JSON.stringify(body));
  }

  baseUrl = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const tokenUrl = `${baseUrl}/token`;
  let account;
  try {
    account = await resolveServiceAccount({ seed, tokenUri: tokenUrl, ...(options.keyFile ? { keyFile: options.keyFile } : {}), ...(options.serviceAccountKey !== undefined ? { serviceAccountKey: options.serviceAccountKey } : {}) });
  } catch (err) {
    await closeServer(server);
    throw err;
  }
  ready.tokens = createTokenEndpoint({
    account,
    audiences: () => [tokenUrl, GOOGLE_TOKEN_AUD],
    grantedScopes,
    userExists: (email) => email.toLowerCase() === adminEmail || personKeyOfEmail(email.toLowerCase()) !== undefined,
    now,
  });

  return {
    url: baseUrl,
    close: () => closeServer(server),
    state,
    faults,
    stats: () => stats.snapshot(),
    idOfPerson,
    idOfGroup,
    serviceAccountKey: account.key,
    adminEmail,
    customerId,
    tokenUrl,
    revokeTokens: () => ready.tokens?.revokeAll(),
  };
}

function etagHeader(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'etag' in body && typeof body.etag === 'string') return body.etag;
  return '"0"';
}
