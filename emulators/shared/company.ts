/**
 * A deterministic sample company that every provider emulator renders in its own wire format:
 * people with departments, titles, managers and org units; department groups plus skewed teams
 * (most small, a few larger than any provider's page size); a few nested groups; every account
 * state; unicode names; a few people without an email. `generateCompany({users, groups, seed})`
 * always returns the same company for the same arguments.
 */
import { createRandom } from './random.js';

/** Provider-neutral account state; each emulator maps it (Okta status, Entra accountEnabled, …). */
export type PersonState = 'active' | 'staged' | 'provisioned' | 'recovery' | 'password_expired' | 'locked_out' | 'suspended' | 'deprovisioned';

export interface Person {
  /** Stable index-based key (`p000042`); emulators derive provider ids from it. */
  key: string;
  index: number;
  givenName: string;
  familyName: string;
  displayName: string;
  /** null for a few service-style accounts. */
  email: string | null;
  /** Login / username; email-shaped except for the accounts without email. */
  login: string;
  department: string;
  title: string;
  employeeNumber: string;
  managerKey: string | null;
  orgUnitPath: string;
  state: PersonState;
  /** ISO timestamp with milliseconds. */
  created: string;
}

export interface Team {
  key: string; // `g00042`
  index: number;
  name: string;
  description: string;
  kind: 'department' | 'team';
  memberKeys: string[];
  /** Nested groups (for providers that nest); never forms a cycle. */
  childGroupKeys: string[];
}

export interface Company {
  domain: string;
  people: Person[];
  groups: Team[];
  departments: string[];
  orgUnits: string[];
}

export interface CompanyOptions {
  users: number;
  groups: number;
  seed: number;
  domain?: string;
  /** Average extra (non-department) group memberships per person; default min(9, groups - departments). */
  membershipsPerUser?: number;
}

const GIVEN = ['Mara', 'José', 'Zoë', 'Łukasz', 'Søren', 'Aiko', 'Chloé', 'Nguyễn', 'Amara', 'Björn', 'Priya', 'Mateo', 'Ingrid', 'Oluwaseun', 'Fatima', 'Kenji', 'Élodie', 'Rowan', 'Ünal', 'Sasha', 'Dmitri', 'Leilani', 'Tomás', 'Yara', 'Ana', 'Felix', 'Hana', 'Omar', 'Wen', 'Grace'];
const FAMILY = ['Quill', 'García', 'Dvořák', 'Nowak', 'Ødegaard', 'Tanaka', 'Müller', 'Okafor', 'Pike', 'Lindqvist', 'Sharma', 'Rossi', 'Haddad', '王', 'Kim', 'Novak', 'Fernández', 'Ó Briain', 'Çelik', 'Nakamura', 'Ivanova', 'Kahale', 'Silva', 'Byrne', 'Jensen', 'Moreau', 'Costa', 'Abebe', 'Larsen', 'Chen'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'Legal', 'Operations', 'Product', 'Field Ops', 'Security', 'Design'];
const SUBUNITS = ['EMEA', 'Americas', 'APAC'];
const TITLES = ['Associate', 'Specialist', 'Senior Specialist', 'Lead', 'Manager', 'Director'];
const TEAM_WORDS = ['Platform', 'Atlas', 'Nimbus', 'Harbor', 'Orion', 'Beacon', 'Summit', 'Delta', 'Falcon', 'Juniper', 'Kestrel', 'Lumen'];

function stateFor(r: number): PersonState {
  // ~90% active; the rest spread over every state a directory shows
  if (r < 0.9) return 'active';
  if (r < 0.93) return 'suspended';
  if (r < 0.955) return 'deprovisioned';
  if (r < 0.965) return 'staged';
  if (r < 0.975) return 'provisioned';
  if (r < 0.983) return 'locked_out';
  if (r < 0.991) return 'password_expired';
  return 'recovery';
}

const slug = (s: string) =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ø/g, 'o').replace(/Ø/g, 'O').toLowerCase().replace(/[^a-z0-9]+/g, '');

export function generateCompany(options: CompanyOptions): Company {
  const { users, groups, seed } = options;
  const domain = options.domain ?? 'example.test';
  const rnd = createRandom(seed);
  const departments = DEPARTMENTS.slice(0, Math.max(1, Math.min(DEPARTMENTS.length, groups)));
  const orgUnits = ['/', ...departments.flatMap((d) => [`/${d}`, ...SUBUNITS.map((s) => `/${d}/${s}`)])];

  const people: Person[] = [];
  const epoch = Date.UTC(2024, 0, 1);
  for (let i = 0; i < users; i++) {
    const givenName = rnd.pick(GIVEN);
    const familyName = rnd.pick(FAMILY);
    const department = departments[rnd.skewed(departments.length, 1.3)]!;
    const withoutEmail = i % 97 === 13; // about 1%: service-style accounts
    const local = `${slug(givenName) || 'user'}.${slug(familyName) || 'x'}${i}`;
    const email = withoutEmail ? null : `${local}@${domain}`;
    people.push({
      key: `p${String(i).padStart(6, '0')}`,
      index: i,
      givenName,
      familyName,
      displayName: `${givenName} ${familyName}`,
      email,
      login: withoutEmail ? `svc-${slug(familyName) || 'x'}-${i}` : email!,
      department,
      title: `${department} ${rnd.pick(TITLES)}`,
      employeeNumber: String(100000 + i),
      managerKey: i < 10 ? null : `p${String(rnd.int(Math.min(i, 1 + Math.floor(i / 8)))).padStart(6, '0')}`,
      orgUnitPath: rnd.next() < 0.3 ? `/${department}` : `/${department}/${rnd.pick(SUBUNITS)}`,
      state: i === 0 ? 'active' : stateFor(rnd.next()),
      created: new Date(epoch + i * 60_000).toISOString(),
    });
  }

  const teams: Team[] = [];
  for (let g = 0; g < groups; g++) {
    const isDept = g < departments.length;
    const name = isDept ? departments[g]! : `${TEAM_WORDS[g % TEAM_WORDS.length]} ${Math.floor(g / TEAM_WORDS.length)}`;
    teams.push({
      key: `g${String(g).padStart(5, '0')}`,
      index: g,
      name: isDept ? name : `Team ${name}`,
      description: isDept ? `Everyone in ${name}` : `Project team ${name}`,
      kind: isDept ? 'department' : 'team',
      memberKeys: [],
      childGroupKeys: [],
    });
  }

  // memberships: every person in their department; then extra teams chosen with a skew, so most
  // teams are small and the first few are larger than any provider's page size
  const teamCount = groups - departments.length;
  const perUser = options.membershipsPerUser ?? Math.min(9, teamCount);
  const deptIndex = new Map(departments.map((d, i) => [d, i]));
  for (const p of people) {
    teams[deptIndex.get(p.department)!]?.memberKeys.push(p.key);
    if (teamCount <= 0) continue;
    const extra = Math.max(0, Math.round(perUser * (0.5 + rnd.next())));
    const chosen = new Set<number>();
    for (let k = 0; k < extra && chosen.size < teamCount; k++) chosen.add(departments.length + rnd.skewed(teamCount, 1.6));
    for (const t of chosen) teams[t]!.memberKeys.push(p.key);
  }

  // a few nested groups (parent index < child index: no cycles)
  for (let g = departments.length; g < groups; g += 20) {
    const child = g + 1 + rnd.int(Math.max(1, Math.min(10, groups - g - 1)));
    if (child < groups && child !== g) teams[g]!.childGroupKeys.push(teams[child]!.key);
  }

  return { domain, people, groups: teams, departments, orgUnits };
}
