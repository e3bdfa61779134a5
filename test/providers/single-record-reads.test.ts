/**
 * getUser / getGroup on every connector against its emulator: the record from its own endpoint,
 * the same as the listing gives it, and null once the directory no longer has it (the sync
 * confirms removals with these before applying them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type StartedEmulator } from '../support/provider-adapters.js';
import { collect } from '../support/connector-helpers.js';
import { findProvider } from '../../src/providers/registry.js';
import type { DirectoryConnector } from '../../src/providers/types.js';

for (const adapter of ADAPTERS) {
  describe(`${adapter.provider}: single-record reads`, () => {
    let started: StartedEmulator;
    let connector: DirectoryConnector;

    beforeAll(async () => {
      started = await adapter.start({ users: 30, groups: 4 });
      const provider = findProvider(adapter.provider)!;
      connector = provider.createConnector(provider.credentialsGuard.parse(started.credentials), { retry: { attempts: 1 } });
    });
    afterAll(() => started.emulator.close());

    it('returns a user and a group exactly as the listings do', async () => {
      const [listedUser] = await collect(connector.listUsers());
      const [listedGroup] = await collect(connector.listGroups());
      // the same person and state (Okta adds lifecycle _links to a single user, as the real API does)
      const user = await connector.getUser(listedUser!.externalId);
      expect(user).toMatchObject({ externalId: listedUser!.externalId, enabled: listedUser!.enabled });
      const { _links: _a, ...fields } = user!.raw;
      const { _links: _b, ...listedFields } = listedUser!.raw;
      expect(fields).toEqual(listedFields);
      const group = await connector.getGroup(listedGroup!.externalId);
      expect(group).toMatchObject({ externalId: listedGroup!.externalId, name: listedGroup!.name });
    });

    it('returns null for a user or group the directory no longer has', async () => {
      const state = started.emulator.state;
      const person = state.people.find((p) => p.state === 'active')!;
      const userId = started.emulator.idOfPerson(person.key);
      const team = state.groups[state.groups.length - 1]!;
      const groupId = started.emulator.idOfGroup(team.key);
      expect(await connector.getUser(userId)).not.toBeNull();
      state.deletePerson(person.key);
      state.deleteGroup(team.key);
      expect(await connector.getUser(userId)).toBeNull();
      expect(await connector.getGroup(groupId)).toBeNull();
    });
  });
}
