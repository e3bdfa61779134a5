/**
 * 1% churn, made through the emulator's `/__admin` endpoint (the emulator runs in another
 * process): N users get a new title and M memberships change (half removed, half added). The
 * same deterministic company the emulator generated is rebuilt here to pick real memberships;
 * pairs touched by an earlier round are never picked again, so every change is a real change.
 */
import { generateCompany } from '../emulators/shared/company.js';
import { createRandom } from '../emulators/shared/random.js';

export interface ChurnResult { usersChanged: number; membershipsAdded: number; membershipsRemoved: number; ms: number }

export function createChurner(o: { users: number; groups: number; seed: number; adminUrl: string }) {
  const company = generateCompany({ users: o.users, groups: o.groups, seed: o.seed });
  const pairGroup: number[] = [];
  const pairPerson: number[] = [];
  company.groups.forEach((g, gi) => { for (const k of g.memberKeys) { pairGroup.push(gi); pairPerson.push(Number(k.slice(1))); } });
  const memberSets = new Map<number, Set<string>>();
  const isMember = (gi: number, key: string) => {
    let s = memberSets.get(gi);
    if (!s) memberSets.set(gi, (s = new Set(company.groups[gi]!.memberKeys)));
    return s.has(key);
  };
  const touchedPairs = new Set<string>();
  const touchedPeople = new Set<number>();
  const rnd = createRandom(o.seed * 7919 + 17);
  const personKey = (i: number) => `p${String(i).padStart(6, '0')}`;
  let round = 0;

  async function send(method: string, path: string, body?: unknown) {
    const res = await fetch(`${o.adminUrl}${path}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}`);
  }

  return {
    /** Applies one round of churn; resolves when the emulator has every change. */
    async apply(users: number, membershipChanges: number): Promise<ChurnResult> {
      round++;
      const t0 = performance.now();
      const ops: Array<() => Promise<void>> = [];
      const people = Math.min(users, company.people.length - touchedPeople.size);
      for (let n = 0; n < people; ) {
        const i = rnd.int(company.people.length);
        if (touchedPeople.has(i)) continue;
        touchedPeople.add(i);
        n++;
        ops.push(() => send('PATCH', `/__admin/people/${personKey(i)}`, { title: `${company.people[i]!.title} (churn ${round})` }));
      }
      let removed = 0;
      let added = 0;
      const removals = Math.floor(membershipChanges / 2);
      for (let tries = 0; removed < removals && tries < removals * 20; tries++) {
        const p = rnd.int(pairGroup.length);
        const gi = pairGroup[p]!;
        const key = personKey(pairPerson[p]!);
        const pair = `${gi}|${key}`;
        if (touchedPairs.has(pair)) continue;
        touchedPairs.add(pair);
        removed++;
        ops.push(() => send('DELETE', `/__admin/groups/${company.groups[gi]!.key}/members/${key}`));
      }
      for (let tries = 0; added < membershipChanges - removals && tries < membershipChanges * 20; tries++) {
        const gi = rnd.int(company.groups.length);
        const key = personKey(rnd.int(company.people.length));
        const pair = `${gi}|${key}`;
        if (touchedPairs.has(pair) || isMember(gi, key)) continue;
        touchedPairs.add(pair);
        added++;
        ops.push(() => send('POST', `/__admin/groups/${company.groups[gi]!.key}/members`, { personKey: key }));
      }
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => { while (next < ops.length) await ops[next++]!(); }));
      return { usersChanged: people, membershipsAdded: added, membershipsRemoved: removed, ms: performance.now() - t0 };
    },
  };
}
