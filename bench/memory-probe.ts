/**
 * Where a first sync's memory goes: reads an emulated directory through the real connector and runs
 * the pipeline's pure stages in this process, printing the V8 heap after a forced GC at each stage.
 *   node --expose-gc --import tsx bench/memory-probe.ts [entra|okta|google] [users] [groups]
 */
import { findProvider } from '../src/providers/registry.js';
import { readDirectory } from '../src/sync/read-directory.js';
import { createGroupGraph, createScope } from '../src/sync/scope.js';
import { createReadMapper } from '../src/sync/map-users.js';
import { compileMapping } from '../src/sync/mapping/index.js';
import { plan as makePlan } from '../src/sync/planner.js';
import { planEvents } from '../src/sync/plan-events.js';
import { startEmulator } from './scenario.js';
import type { Provider } from './raw-fetch.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const [provider = 'entra', users = '100000', groups = '10000'] = process.argv.slice(2) as [Provider?, string?, string?];
const MiB = 1024 * 1024;
let last = 0;
const stage = (name: string) => {
  gc(); gc();
  const m = process.memoryUsage();
  console.log(`${name.padEnd(28)} heap ${String(Math.round(m.heapUsed / MiB)).padStart(5)} MiB (+${Math.round((m.heapUsed - last) / MiB)}), rss ${Math.round(m.rss / MiB)} MiB`);
  last = m.heapUsed;
};
const emulator = await startEmulator(provider, { users: Number(users), groups: Number(groups), seed: 1 });
try {
  stage('start');
  const def = findProvider(provider)!;
  const connector = def.createConnector(def.credentialsGuard.parse(emulator.credentials), {});
  const compiled = compileMapping(def.defaultAttributeMapping);
  if (!compiled.ok) throw new Error('the default mapping does not compile');
  // as a whole read in the service: each page mapped as it arrives and its records let go (the
  // service stages them in the database first: src/sync/staged-users.ts)
  const mapper = createReadMapper(compiled.mapping);
  const t0 = performance.now();
  const snapshot = await readDirectory(connector, {
    onUsers: async (page) => {
      for (const u of page) {
        mapper.add(u);
        u.raw = null;
      }
    },
  });
  console.log(`read ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  stage('snapshot read, users mapped');
  const graph = createGroupGraph(snapshot.memberships);
  const { users: mapped } = mapper.pick(snapshot.users.filter(createScope({ groups: [], orgUnits: [] }, graph)));
  stage('in-scope users picked');
  const plan = makePlan({
    directoryId: 'd', directoryUsers: snapshot.users, users: mapped,
    groups: snapshot.groups.map((g) => ({ externalId: g.externalId, name: g.name, description: g.description ?? null, raw: g.raw, hash: g.hash })),
    memberships: snapshot.memberships, expandedMembers: new Map(),
    current: { users: [], groups: [], memberships: new Map(), grants: [], mirrorHashes: new Map() },
    settings: { deactivationBehavior: 'deactivate', defaultGrant: null, mappings: [] },
  });
  stage('planned');
  // the service makes these as it writes them; held at once they would cost this much
  const log = [...planEvents(plan, { groupName: (g) => g, userLabel: () => undefined, organizationName: (o) => o })];
  stage(`plan events if held (${log.length})`);
  console.log(`plan: ${plan.users.length} users, ${plan.memberships.reduce((n, m) => n + m.added.length, 0)} memberships added in ${plan.memberships.length} member lists, ${plan.mirror.upserts.length} mirror rows`);
} finally {
  await emulator.helper.stop();
}
