/**
 * Times a first full sync and a no-change resync of an emulated directory, end to end through the
 * real service (HTTP API, worker, store). `npm run bench -- --users 10000 --groups 1000 --provider okta --db sqlite`
 * Prints the figures and the ratio resync / first sync. (Step 6 grows this into the full benchmark.)
 */
import { parseArgs } from 'node:util';
import { ADAPTERS } from '../test/support/provider-adapters.js';
import { startTestService } from '../test/support/test-service.js';
import type { Engine } from '../test/support/databases.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' }, groups: { type: 'string', default: '1000' },
    provider: { type: 'string', default: 'okta' }, db: { type: 'string', default: 'sqlite' }, quick: { type: 'boolean', default: false },
  },
});
const users = values.quick ? 1000 : Number(values.users);
const groups = values.quick ? 100 : Number(values.groups);
const adapter = ADAPTERS.find((a) => a.provider === values.provider);
if (!adapter) throw new Error(`--provider must be one of ${ADAPTERS.map((a) => a.provider).join(', ')}`);

const svc = await startTestService(values.db as Engine);
const emu = await adapter.start({ users, groups, seed: 1 });
try {
  const d = await svc.api.post('/api/v1/directories', { name: 'bench', provider: adapter.provider, credentials: emu.credentials });
  const rows: Array<[string, string]> = [];
  let t = performance.now();
  const first = await svc.api.sync(d.body.id, {}, 1_800_000);
  const firstMs = performance.now() - t;
  if (first.status !== 'succeeded') throw new Error(`first sync ${first.status}: ${JSON.stringify(first.error)}`);
  rows.push(['first full sync', `${(firstMs / 1000).toFixed(2)} s  (${first.counts.usersCreated} users, ${first.counts.groupsProcessed} groups, ${first.counts.membershipsAdded} memberships, ${first.counts.requests} requests)`]);
  t = performance.now();
  const again = await svc.api.sync(d.body.id, {}, 1_800_000);
  const againMs = performance.now() - t;
  rows.push(['no-change resync', `${(againMs / 1000).toFixed(2)} s  (rows written: ${again.counts.rowsWritten}, changes: ${again.counts.usersCreated + again.counts.usersUpdated + again.counts.usersDeactivated})`]);
  const phases = (c: Record<string, number>) => `read ${c.readMs} ms, load ${c.loadMs} ms, plan ${c.planMs} ms, log ${c.logMs} ms, apply ${c.applyMs ?? 0} ms`;
  rows.push(['  first sync phases', phases(first.counts)], ['  resync phases', phases(again.counts)]);
  rows.push(['resync / first sync', (againMs / firstMs).toFixed(2)]);
  console.log(`\n${adapter.provider} emulator, ${users} users / ${groups} groups, ${values.db}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(22)} ${v}`);
} finally {
  await emu.emulator.close();
  await svc.close();
}
