/**
 * Staged user records: a whole full read writes each page's provider records to
 * `staged_directory_users` as the page arrives, and keeps only their ids, hashes and mapped values.
 * The apply copies the staged rows into the mirror in its own transaction (atomic runs hold), so a
 * first sync of 100k users never holds their ~100 MiB of records at once (decisions.md: "A whole
 * read stages its user records"). The rows belong to one run; a blocked run keeps them until it is
 * approved or rejected.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/database.js';
import { rowsOf } from '../store/bulk-insert.js';
import type { DirectoryConnector } from '../providers/types.js';
import type { MirrorUser } from './plan.js';
import type { CompiledMapping } from './mapping/index.js';
import { readDirectory, type DirectorySnapshot, type ReadProgress } from './read-directory.js';
import { createReadMapper } from './map-users.js';

export interface RunRef {
  tenantId: string;
  directoryId: string;
  runId: string;
}

/**
 * A stage for one run's records. `add` queues a write of the page's records that `wanted` picks
 * (each page in its own small transaction, outside the apply's) and waits only for the page before:
 * one write is in flight while the read goes on. `written` is called once the page is written (its
 * records may then be let go). A record sent again across pages replaces the one staged before (or
 * unstages it, if no longer wanted), as the read keeps the later one. `flush` waits for the last
 * write and raises a failed one; `settle` waits without raising (a failing run, before it clears
 * the stage). A dry run stages nothing: it applies nothing.
 */
export function createUserStage(store: Pick<Store, 'insertRows' | 'scratchTransaction'>, run: RunRef & { dryRun: boolean }) {
  const { insertRows } = store;
  const staged = new Set<string>();
  let inFlight: Promise<void> | null = null;

  const write = (rows: readonly MirrorUser[], replaced: readonly string[]) => store.scratchTransaction(async (tx) => {
    // records staged on an earlier page go (found by a scan, as the table has no index: only a
    // provider sending duplicates across pages pays it)
    if (replaced.length) await tx.deleteFrom('staged_directory_users').where('run_id', '=', run.runId).where('external_id', 'in', replaced).execute();
    await insertRows(tx, 'staged_directory_users', ['run_id', 'tenant_id', 'directory_id', 'external_id', 'raw', 'hash', 'enabled', 'org_unit_path'],
      () => rowsOf(rows, (u) => [run.runId, run.tenantId, run.directoryId, u.externalId, JSON.stringify(u.raw), u.hash, u.enabled ? 1 : 0, u.orgUnitPath]));
  });

  const stage = {
    async add(users: readonly MirrorUser[], wanted: (u: MirrorUser) => boolean, written: () => void = () => undefined): Promise<void> {
      await stage.flush();
      const rows: MirrorUser[] = [];
      const replaced: string[] = [];
      // the page's last record of each user is the one kept
      for (const u of new Map(users.map((x) => [x.externalId, x])).values()) {
        if (u.raw === null) throw new Error(`The record of user ${u.externalId} was already let go; it cannot be staged.`);
        if (staged.has(u.externalId)) replaced.push(u.externalId);
        if (wanted(u) && !run.dryRun) {
          rows.push(u);
          staged.add(u.externalId);
        } else staged.delete(u.externalId);
      }
      if (!rows.length && !replaced.length) return written();
      inFlight = write(rows, replaced).then(written);
      inFlight.catch(() => undefined); // raised by the next add or flush
    },
    async flush(): Promise<void> {
      const pending = inFlight;
      inFlight = null;
      await pending;
    },
    async settle(): Promise<void> {
      await stage.flush().catch(() => undefined);
    },
  };
  return stage;
}

export type UserStage = ReturnType<typeof createUserStage>;

/**
 * Drops what earlier runs of a directory staged, when a real run starts on it: the run makes every
 * earlier plan stale (a blocked one can no longer be approved), and a run taken over after a crash
 * starts its stage again.
 */
export async function dropStagedUsersOf(db: Kysely<Database>, tenantId: string, directoryId: string): Promise<void> {
  await db.deleteFrom('staged_directory_users').where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).execute();
}

/**
 * A whole read that maps each page of users and stages the records the mirror lacks (content hash
 * differs from `mirrorHashes`, or new) as the page arrives, then lets the page's records go: 100k
 * provider records are never held at once. The snapshot's users carry `raw: null`; `mapper.pick`
 * gives the in-scope users' mapped values. Returns once every staged write has landed; on failure,
 * once none is in flight (the failed run then clears its stage).
 */
export async function readStaged(
  store: Pick<Store, 'insertRows' | 'scratchTransaction'>, connector: DirectoryConnector, run: RunRef & { dryRun: boolean },
  o: { mapping: CompiledMapping; mirrorHashes: ReadonlyMap<string, string>; onProgress?: (p: ReadProgress) => void },
): Promise<{ snapshot: DirectorySnapshot; mapper: ReturnType<typeof createReadMapper> }> {
  const stage = createUserStage(store, run);
  const mapper = createReadMapper(o.mapping);
  const letGo = (page: readonly MirrorUser[]) => () => { for (const u of page) u.raw = null; };
  try {
    const snapshot = await readDirectory(connector, {
      onProgress: o.onProgress,
      onUsers: async (page) => {
        for (const u of page) mapper.add(u);
        await stage.add(page, (u) => o.mirrorHashes.get(u.externalId) !== u.hash, letGo(page));
      },
    });
    await stage.flush();
    return { snapshot, mapper };
  } catch (e) {
    await stage.settle(); // no write may land after the failed run clears its stage
    throw e;
  }
}

/** Deletes a run's staged records (applied, failed, dry run, rejected). */
export async function clearStagedUsers(db: Kysely<Database>, runId: string): Promise<void> {
  await db.deleteFrom('staged_directory_users').where('run_id', '=', runId).execute();
}

/**
 * Copies a run's staged records into the mirror (inside the apply's transaction) and deletes them.
 * `expected`: how many mirror rows the plan says are staged; anything else means the stage and the
 * plan disagree, and the run fails with nothing applied rather than leaving the mirror wrong.
 */
export async function copyStagedUsers(tx: Transaction<Database>, run: RunRef, expected: number, now: string): Promise<number> {
  const copied = await sql`insert into directory_users (tenant_id, directory_id, external_id, raw, hash, enabled, org_unit_path, updated_at)
    select tenant_id, directory_id, external_id, raw, hash, enabled, org_unit_path, ${now} from staged_directory_users
    where run_id = ${run.runId} and tenant_id = ${run.tenantId} and directory_id = ${run.directoryId}
    on conflict (directory_id, external_id) do update set raw = excluded.raw, hash = excluded.hash, enabled = excluded.enabled,
      org_unit_path = excluded.org_unit_path, updated_at = excluded.updated_at`.execute(tx);
  const rows = Number(copied.numAffectedRows ?? 0);
  if (rows !== expected) {
    throw new Error(`The run staged ${rows} user records but its plan writes ${expected}; nothing was applied. Run the sync again.`);
  }
  await clearStagedUsers(tx, run.runId);
  return rows;
}
