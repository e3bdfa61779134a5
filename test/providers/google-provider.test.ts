/**
 * The Google provider as the rest of the service sees it (registry, definition), and the request
 * count of a full read of a 10k-user directory: one token, Google's page sizes, nothing more.
 */
import { describe, expect, it } from 'vitest';
import { countFullRead } from '../support/connector-helpers.js';
import { startGoogleEmulator } from '../../emulators/google/index.js';
import { findProvider } from '../../src/providers/registry.js';
import { googleProvider } from '../../src/providers/google/index.js';

describe('google provider definition', () => {
  it('is registered and offers its mapping paths', () => {
    expect(findProvider('google')).toBe(googleProvider);
    for (const path of Object.values(googleProvider.defaultAttributeMapping)) expect(googleProvider.knownSourcePaths).toContain(path);
  });
});

describe('request counts on a 10k-user directory', () => {
  it('a full read takes one token and pages of 500 users, 200 groups, 200 members', async () => {
    const em = await startGoogleEmulator({ users: 10_000, groups: 200, seed: 4 });
    try {
      const connector = googleProvider.createConnector(
        googleProvider.credentialsGuard.parse({ serviceAccountKey: em.serviceAccountKey, adminEmail: em.adminEmail, endpoints: { directory: em.url } }),
      );
      const started = Date.now();
      const { users, groups, memberships } = await countFullRead(connector);
      const units = await connector.listOrgUnits!();
      const ms = Date.now() - started;

      expect(users).toBe(10_000);
      expect(groups).toHaveLength(200);
      const direct = em.state.groups.reduce((n, g) => n + g.memberKeys.length + g.childGroupKeys.length, 0);
      expect(memberships).toBe(direct);
      expect(units.length).toBeGreaterThan(1);
      const memberPages = em.state.groups.reduce((n, g) => n + Math.max(1, Math.ceil((g.memberKeys.length + g.childGroupKeys.length) / 200)), 0);
      const expected = 1 /* token */ + 20 /* users */ + 1 /* groups */ + memberPages + 1 /* org units */;
      expect(em.stats().requests).toBe(expected);
      expect(connector.stats).toEqual({ requests: expected, retries: 0, throttled: 0 });
      console.info(`google 10k users / 200 groups / ${memberships} memberships: full read ${expected} requests (1 token, 20 user pages, 1 group page, ${memberPages} member pages, 1 org-unit list) in ${ms} ms`);
    } finally {
      await em.close();
    }
  });
});
