/**
 * Where the service's CPU time went: top functions by self time (and by file) of a `.cpuprofile`
 * written by `npm run bench -- --profile` (bench/results/profiles).
 *   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [--top 25]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const profileGuard = z.object({
  nodes: z.array(z.object({
    id: z.number(),
    callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
  })),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
});

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const top = Number(values.top);
for (const file of positionals) {
  const p = profileGuard.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = p.endTime - p.startTime;
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    const where = cf.url ? cf.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '') : '';
    fn.set(`${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`, (fn.get(`${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`) ?? 0) + us);
    const group = where.includes('node_modules/') ? where.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, 'node_modules/$1') : where || cf.functionName;
    files.set(group, (files.get(group) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(1).padStart(7)} s`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`\n${path.basename(file)} — ${(total / 1e6).toFixed(1)} s profiled\n  by function (self time):`);
  for (const [k, us] of sorted(fn)) console.log(`  ${pct(us)}  ${k}`);
  console.log('  by file / package:');
  for (const [k, us] of sorted(files)) console.log(`  ${pct(us)}  ${k}`);
}
