/**
 * Where a directory's credentials may be sent. By default only https and public hosts: an admin
 * must not be able to point the service (and its secrets) at loopback, private or link-local
 * addresses — checked on the literal host and again after DNS resolution (SSRF).
 * ACCESSIQ_ALLOW_INSECURE_ENDPOINTS=1 lifts this for emulators and private clouds.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';

export interface EndpointProblem {
  url: string;
  message: string;
}

/** Resolves a host name to its addresses (tests pass a fake; DNS otherwise). */
export type Resolver = (host: string) => Promise<string[]>;
const dnsResolver: Resolver = (host) => lookup(host, { all: true }).then((r) => r.map((a) => a.address));

export async function checkEndpoint(url: string, allowInsecure: boolean, resolve: Resolver = dnsResolver): Promise<EndpointProblem | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, message: 'is not a valid URL; use https://host' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { url, message: 'must be an https:// URL' };
  if (allowInsecure) return null;
  if (u.protocol !== 'https:') return { url, message: 'must use https:// (set ACCESSIQ_ALLOW_INSECURE_ENDPOINTS=1 only for emulators and private test setups)' };
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
    return { url, message: 'points at a local host; directory URLs must be public' };
  }
  const addresses = net.isIP(host) ? [host] : await resolve(host).catch(() => [] as string[]);
  const bad = addresses.find(isPrivateAddress);
  if (bad) return { url, message: `resolves to ${bad}, a private, loopback or link-local address; directory URLs must be public` };
  return null;
}

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  const v6 = ip.toLowerCase();
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7));
  return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80');
}

/**
 * The hosts a provider's credentials may point at (declared in each provider folder). Checked
 * only when insecure endpoints are not allowed: emulators and private clouds need the switch anyway.
 */
export interface EndpointRules<C = unknown> {
  /** `graph.microsoft.com` (exactly this host) or `*.okta.com` (any subdomain, not the domain itself). */
  hosts: string[];
  /** Also accept other hosts (Okta custom URL domains); they still have to be https and public. */
  allowCustomDomains?: boolean;
  /** Exact-URL rules on fields (Google's token_uri); a message naming the field, or null. */
  check?(credentials: C): string | null;
}

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p;
}

/** Every URL the provider will call: https, public after DNS, and on the provider's known hosts. */
export async function checkProviderEndpoints<C>(urls: string[], credentials: C, rules: EndpointRules<C> | undefined, allowInsecure: boolean, resolve: Resolver = dnsResolver): Promise<EndpointProblem | null> {
  for (const url of urls) {
    if (!allowInsecure && rules && !rules.allowCustomDomains) {
      let host: string | null = null;
      try {
        host = new URL(url).hostname;
      } catch {
        // checkEndpoint names the malformed URL
      }
      if (host !== null && !rules.hosts.some((p) => hostMatches(host, p))) {
        return { url, message: `is not a known host of this provider; use one of ${rules.hosts.join(', ')}` };
      }
    }
    const problem = await checkEndpoint(url, allowInsecure, resolve);
    if (problem) return problem;
  }
  const message = !allowInsecure && rules?.check ? rules.check(credentials) : null;
  return message ? { url: '', message } : null;
}
