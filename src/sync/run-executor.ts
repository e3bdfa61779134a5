/**
 * Runs one claimed sync run end to end: read the whole directory → scope → map → plan → safeguards
 * → apply (or, for a dry run, only record what would change). Every outcome is recorded on the run:
 * succeeded, failed (with the reason, nothing applied) or blocked (with the plan kept for approval).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, SyncRunRow } from '../store/schema.js';
import type { Store } from '../store/database.js';
import { toDirectory, type DirectoryRecord } from '../store/repositories/directory-repository.js';
import { createGroupMappingRepository } from '../store/repositories/directory-repository.js';
import { createOrganizationRepository } from '../store/repositories/organization-repository.js';
import { createRoleRepository } from '../store/repositories/role-repository.js';
import { findProvider } from '../providers/registry.js';
import { isProviderError } from '../providers/provider-error.js';
import type { ConnectorContext, DirectoryConnector } from '../providers/types.js';
import type { SecretBox } from '../security/secret-box.js';
import { emptyCounts, type RunCounts } from '../domain/run-counts.js';
import { compileMapping } from './mapping/index.js';
import { readDirectory, type ReadProgress } from './read-directory.js';
import { applyDelta, loadMirrorSnapshot } from './mirror-snapshot.js';
import { createGroupGraph, createScope } from './scope.js';
import { mapUsers, type MissingFields } from './map-users.js';
import { loadCurrentState, loadMirrorHashes } from './current-state.js';
import type { CompiledMapping } from './mapping/index.js';
import { clearStagedUsers, dropStagedUsersOf, readStaged } from './staged-users.js';
import { lastRunErrors, storedGroupSizes, loadFocusedCurrent, readFocused } from './focused-input.js';
import { focusFullRead, letGoOfRecordsInStep, loadStoredMirror, readsVolatileFields, restoreRecordsFromMirror } from './focused-full-read.js';
import { planFingerprint } from './plan-fingerprint.js';
import { plan as makePlan, type PlannedUser, type PlannerInput } from './planner.js';
import { checkSafeguards } from './safeguards.js';
import { planEvents, runLog, type LogEntry } from './plan-events.js';
import { applyPlan, writeLog } from './applier.js';
import type { Plan } from './plan.js';
import { planGuard } from './plan-guard.js';
import { RunFailure } from './run-failure.js';
import { confirmRemovals } from './confirm-removals.js';

export interface RunExecutorDeps {
  store: Store;
  secretBox: SecretBox;
  logger: Logger;
  /** Overrides for connectors (tests shorten retry delays). */
  connectorContext?: ConnectorContext;
  /** Called when a run finishes (scheduler bookkeeping, alerts). */
  onFinished?: (run: { id: string; tenantId: string; directoryId: string; status: string; dryRun: boolean }) => Promise<void> | void;
}

/** This worker no longer holds the run's lease; whatever it was writing is rolled back. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`Run ${runId} was taken over by another worker (lease expired); this worker's result is discarded.`);
  }
}

export { RunFailure };

export function countsOf(plan: Plan): RunCounts {
  const c = emptyCounts();
  for (const u of plan.users) {
    if (u.kind === 'create') c.usersCreated++;
    else if (u.kind === 'link') { c.usersLinked++; c.usersUpdated++; }
    else if (u.kind === 'update') c.usersUpdated++;
    else if (u.kind === 'deactivate') c.usersDeactivated++;
    else c.usersReactivated++;
  }
  c.usersUnchanged = plan.usersUnchanged;
  c.groupsProcessed = plan.groupsProcessed;
  for (const g of plan.groups) {
    if (g.kind === 'create') c.groupsCreated++;
    else if (g.kind === 'update') c.groupsUpdated++;
    else c.groupsDeleted++;
  }
  for (const m of plan.memberships) {
    c.membershipsAdded += m.added.length;
    c.membershipsRemoved += m.removed.length;
  }
  for (const g of plan.grants) {
    if (g.kind === 'add') c.grantsAdded++;
    else c.grantsRevoked++;
  }
  c.errors = plan.errors.length;
  return c;
}

/** Whether the ISO time `at` is less than `hours` ago (never: false). */
const lessThanHoursAgo = (at: string | null, hours: number) => at !== null && Date.now() - Date.parse(at) < hours * 3_600_000;

/** An apply this large changes the tables' shape enough for the query planner to need new statistics. */
const BULK_WRITE_ROWS = 10_000;
const SYNC_TABLES = ['directory_users', 'directory_groups', 'directory_memberships', 'users', 'role_grants'] as const;

export function createRunExecutor(deps: RunExecutorDeps) {
  const { store, secretBox, logger } = deps;
  const db = store.db;

  async function finish(run: SyncRunRow, status: 'succeeded' | 'failed' | 'blocked', counts: RunCounts, extra: { error?: { code: string; message: string; hint?: string } | null; blockedPlan?: string | null; tx?: Kysely<Database>; mode?: 'full' | 'incremental'; deltaCursor?: string | null; fingerprint?: string | null; wholePlan?: boolean } = {}) {
    const now = new Date().toISOString();
    const conn = extra.tx ?? db;
    const updated = await conn.updateTable('sync_runs').set({
      status, counts: JSON.stringify(counts), error: extra.error ? JSON.stringify(extra.error) : null, blocked_plan: extra.blockedPlan ?? null,
      finished_at: now, lease_owner: null, lease_expires_at: null, progress: null, ...(extra.mode ? { mode: extra.mode } : {}),
    }).where('id', '=', run.id)
      // fencing: a worker whose lease was taken over (it paused past its lease) must not commit
      .$if(run.lease_owner !== null, (q) => q.where('lease_owner', '=', run.lease_owner))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new LeaseLostError(run.id);
    if (run.dry_run === 0) {
      await conn.updateTable('directories').set({
        last_sync_at: now,
        consecutive_failures: status === 'failed' ? (eb) => eb('consecutive_failures', '+', 1) : 0,
        ...(status === 'succeeded' && extra.mode === 'full' ? { last_full_sync_at: now } : {}),
        // the delta cursor moves only with an applied run: a failed or blocked round is read again
        ...(status === 'succeeded' && extra.deltaCursor ? { delta_cursor: extra.deltaCursor } : {}),
        // what the state is now planned under; an applied run of unknown settings forgets it
        ...(status === 'succeeded' ? { plan_fingerprint: extra.fingerprint ?? null } : {}),
        // a whole plan applied: full reads may plan only what differs until fullSyncEveryHours pass
        ...(status === 'succeeded' && extra.wholePlan ? { last_whole_plan_at: now } : {}),
      }).where('id', '=', run.directory_id).execute();
    }
  }

  /**
   * Builds the plan for a directory from a complete read (or a complete delta round). `planned`:
   * the settings the directory was last planned under (fingerprint) and when it was last planned whole.
   */
  async function buildPlan(run: SyncRunRow, directory: DirectoryRecord, signal: AbortSignal, planned: { fingerprint: string | null; wholeAt: string | null }) {
    const provider = findProvider(directory.provider);
    if (!provider) throw new RunFailure('unknown_provider', `This build has no "${directory.provider}" provider.`);
    const credentials = provider.credentialsGuard.parse(JSON.parse(secretBox.open(directory.credentialsEncrypted)));
    const connector = provider.createConnector(credentials, { ...deps.connectorContext, signal });

    const compiled = compileMapping(directory.settings.attributeMapping);
    if (!compiled.ok) {
      throw new RunFailure('invalid_mapping', `The attribute mapping is not valid: ${compiled.errors.map((e) => e.message).join('; ')}`, 'Fix it under Attribute mapping.');
    }
    const mappings = await createGroupMappingRepository(db).all(run.tenant_id, directory.id);
    const settings: PlannerInput['settings'] = {
      deactivationBehavior: directory.settings.deactivationBehavior,
      defaultGrant: await resolveDefaultGrant(run.tenant_id, directory),
      mappings: mappings.map((m) => ({ id: m.id, sourceGroupId: m.sourceGroupId, organizationId: m.organizationId, roleKey: m.role })),
    };
    const fingerprint = planFingerprint(directory.settings, settings);

    let lastProgress = 0;
    const onProgress = (p: ReadProgress) => {
      if (Date.now() - lastProgress < 500) return;
      lastProgress = Date.now();
      void db.updateTable('sync_runs').set({ progress: JSON.stringify(p) }).where('id', '=', run.id).execute().catch(() => undefined);
    };
    const t0 = performance.now();
    const focusOn = planned.fingerprint === fingerprint ? settings : null;
    // a full read plans only what differs from the mirror while a whole plan is recent, and only if
    // the mapping reads nothing the content hash leaves out (sync/focused-full-read.ts)
    const focusFull = focusOn !== null && lessThanHoursAgo(planned.wholeAt, directory.settings.schedule.fullSyncEveryHours) && !readsVolatileFields(compiled.mapping);
    const read = await readSnapshot(run, directory, provider.capabilities.supportsDelta, connector, onProgress, focusOn, focusFull, compiled.mapping);
    const { mode, cursor, notes } = read;

    let input: PlannerInput;
    let mapped: PlannedUser[];
    let missing: MissingFields;
    let tRead: number;
    let safeguardCounts: { activeSyncedUsers: number; usersRead: number; groupsBefore: number };
    const names = new Map<string, string>();
    if (read.focused) {
      // an incremental run under unchanged settings: only what the delta touched is planned
      const f = read.focused;
      const inScope = createScope(directory.settings.userFilter, f.graph);
      ({ users: mapped, missing } = mapUsers(f.users.filter(inScope), compiled.mapping));
      tRead = performance.now();
      const emails = mapped.flatMap((u) => (u.result.ok && u.result.values.emailNormalized ? [u.result.values.emailNormalized] : []));
      const stored = await loadFocusedCurrent(db, run.tenant_id, directory.id, f.focus.userIds, emails);
      input = {
        directoryId: directory.id, directoryUsers: f.users, users: mapped, groups: f.groups, memberships: f.memberships,
        expandedMembers: new Map(settings.mappings.map((m) => [m.sourceGroupId, f.graph.usersOf(m.sourceGroupId)])),
        current: { ...stored, groups: f.currentGroups, memberships: f.currentMemberships, mirrorHashes: f.mirrorHashes },
        focus: f.focus, settings,
      };
      safeguardCounts = { ...(await storedCounts(run.tenant_id, directory.id)), usersRead: f.focus.listedUserIds.size };
      for (const [ext, name] of f.groupNames) names.set(ext, name);
      const lists = new Set([...f.memberships.keys(), ...f.currentMemberships.keys()]).size;
      notes.push(mode === 'full'
        ? `Planned only the ${f.focus.userIds.size} users and ${lists} member lists that differ from the last read; every other record was already in step (the whole directory is planned after a settings change and at least every ${directory.settings.schedule.fullSyncEveryHours} hours).`
        : `Planned only the ${f.focus.userIds.size} users and ${lists} member lists this round touched; every other record was already in step.`);
    } else {
      const { snapshot, stored, mapper } = read;
      const graph = createGroupGraph(snapshot.memberships);
      const inScope = createScope(directory.settings.userFilter, graph);
      // a whole read mapped its users as it read them (their records are staged, not held)
      ({ users: mapped, missing } = mapper ? mapper.pick(snapshot.users.filter(inScope)) : mapUsers(snapshot.users.filter(inScope), compiled.mapping));
      tRead = performance.now();
      const current = await loadCurrentState(db, run.tenant_id, directory.id, stored);
      input = {
        directoryId: directory.id,
        directoryUsers: snapshot.users,
        users: mapped,
        groups: snapshot.groups.map((g) => ({ externalId: g.externalId, name: g.name, description: g.description ?? null, raw: g.raw, hash: g.hash })),
        memberships: snapshot.memberships,
        expandedMembers: new Map(settings.mappings.map((m) => [m.sourceGroupId, graph.usersOf(m.sourceGroupId)])),
        current,
        settings,
      };
      safeguardCounts = {
        activeSyncedUsers: current.users.filter((u) => u.directoryId === directory.id && u.status === 'active').length,
        usersRead: snapshot.users.length,
        groupsBefore: current.groups.length,
      };
      for (const g of snapshot.groups) names.set(g.externalId, g.name);
    }
    const { current } = input;
    const tLoad = performance.now();
    const plan = makePlan(input);
    const tPlan = performance.now();
    // a full read that would remove something is checked against the records' own endpoints first
    const confirmed = mode === 'full' ? await confirmRemovals(plan, connector) : null;
    const tConfirm = performance.now();
    const counts = { ...countsOf(plan), requests: connector.stats.requests };
    if (read.focused?.inStep) {
      // a focused full read's other users and groups were read and are in step: counted as a whole plan counts them
      const inScope = createScope(directory.settings.userFilter, read.focused.graph);
      counts.usersUnchanged += read.focused.inStep.users.filter(inScope).length;
      counts.groupsProcessed = read.focused.inStep.groupsRead;
    }

    const guards = directory.settings.safeguards;
    let groupSizes = new Map<string, number>();
    if (read.focused) {
      // a focused run holds only the member rows that change: count the groups the guard could trip on
      const removed = new Map<string, number>();
      for (const m of plan.memberships) if (m.memberType === 'user' && m.removed.length) removed.set(m.groupExternalId, m.removed.length);
      const candidates = [...removed].filter(([, n]) => n * 100 > guards.maxMembershipRemovalPercent * guards.membershipMinGroupSize).map(([g]) => g);
      groupSizes = await storedGroupSizes(db, run.tenant_id, directory.id, candidates);
    } else for (const [g, m] of current.memberships) groupSizes.set(g, m.users.length);
    const lastGood = await db.selectFrom('sync_runs').select('counts').where('directory_id', '=', directory.id).where('status', '=', 'succeeded')
      .where('dry_run', '=', 0).orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
    const lastGoodUsersRead = lastGood ? (JSON.parse(lastGood.counts) as { usersRead?: number }).usersRead ?? null : null;
    const trips = checkSafeguards(plan, { safeguards: guards, ...safeguardCounts, lastGoodUsersRead, groupSizes });

    for (const g of current.groups) if (!names.has(g.externalId)) names.set(g.externalId, g.name);
    const userLabels = new Map(current.users.map((u) => [u.id, u.values.email ?? u.values.displayName ?? u.externalId ?? u.id]));
    const orgNames = await orgNameLookup(run.tenant_id);
    const events = { groupName: (ext: string) => names.get(ext) ?? ext, userLabel: (id: string) => userLabels.get(id), organizationName: (id: string) => orgNames.get(id) ?? id };
    const notesLog: LogEntry[] = notes.map((note) => ({ kind: 'info', subject: directory.name, message: note }));
    if (confirmed?.requests) {
      const { usersChecked: u, groupsChecked: g, groupsRelisted: m } = confirmed;
      notesLog.push({ kind: 'info', subject: directory.name, message: `Removals confirmed with the directory before applying: ${u} users and ${g} groups read one by one, ${m} groups listed again (${confirmed.requests} requests).`, details: { ...confirmed } });
    }
    // a mapped field that records lack is not an error (the value stays empty), but a path that
    // nobody has is usually a typo: one warning per path per run, with a sample of the records
    for (const [path, m] of missing) {
      const everyone = m.count === mapped.length;
      notesLog.push({
        kind: 'warning', subject: path,
        message: everyone ? `No user has ${path}: check the attribute mapping for a typo.` : `${m.count} of ${mapped.length} users have no ${path}; the mapped value is left empty.`,
        details: { path, count: m.count, sample: m.sample },
      });
    }
    // the plan's entries are made as they are written, not held (100k on a first sync)
    const log = runLog(() => planEvents(plan, events), notesLog);
    // where the time goes, kept on the run (the benchmark and operators read it)
    // a focused full read's comparison with the mirror is stored-state loading, not reading
    const compareMs = read.compareMs ?? 0;
    const timings = { readMs: Math.round(tRead - t0 - compareMs), loadMs: Math.round(tLoad - tRead + compareMs), planMs: Math.round(tPlan - tLoad), confirmMs: Math.round(tConfirm - tPlan), logMs: Math.round(performance.now() - tConfirm) };
    return { plan, counts: { ...counts, usersRead: safeguardCounts.usersRead, ...timings } as RunCounts & { usersRead: number }, trips, log, mode, cursor, fingerprint, whole: !read.focused };
  }

  /** Counts of what the directory holds before the run (the safeguards' reference), for a focused run. */
  async function storedCounts(tenantId: string, directoryId: string) {
    const active = await db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).where('status', '=', 'active').executeTakeFirstOrThrow();
    const groups = await db.selectFrom('directory_groups').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId).where('directory_id', '=', directoryId).executeTakeFirstOrThrow();
    return { activeSyncedUsers: Number(active.n), groupsBefore: Number(groups.n) };
  }

  /**
   * The directory as of now: a complete delta round applied to the mirror when the provider has
   * deltas, a cursor is stored and the last full read is recent enough; else a full read (taking a
   * delta cursor first, so changes made during the read are replayed by the next round). A delta
   * round under the settings the directory was last planned with (`focusOn`) reads only what it
   * touched (sync/focused-input.ts).
   */
  async function readSnapshot(run: SyncRunRow, directory: DirectoryRecord, supportsDelta: boolean, connector: DirectoryConnector, onProgress: (p: ReadProgress) => void, focusOn: PlannerInput['settings'] | null, focusFull: boolean, mapping: CompiledMapping) {
    const notes: string[] = [];
    const watchedGroups = () => [...new Set([...directory.settings.userFilter.groups, ...(focusOn?.mappings ?? []).map((m) => m.sourceGroupId)])];
    const fullIsRecent = lessThanHoursAgo(directory.lastFullSyncAt, directory.settings.schedule.fullSyncEveryHours);
    if (supportsDelta && run.mode !== 'full' && directory.deltaCursor && connector.changesSince && fullIsRecent) {
      try {
        const changes = await connector.changesSince(directory.deltaCursor);
        notes.push(`Incremental sync: ${changes.users.length} user, ${changes.groups.length} group and ${changes.memberships.length} membership changes since the last run.`);
        if (focusOn) {
          const lastErrors = await lastRunErrors(db, run.tenant_id, directory.id);
          const focused = await readFocused(store, run.tenant_id, directory.id, changes, { watchedGroups: watchedGroups(), lastErrors });
          return { focused, mode: 'incremental' as const, cursor: changes.cursor, notes };
        }
        const mirror = await loadMirrorSnapshot(db, run.tenant_id, directory.id);
        notes.push('The settings changed since the last run: every user was planned again.');
        // the mirror as stored is also the current state's memberships and hashes (applyDelta copies on write)
        const stored = { memberships: mirror.memberships, mirrorHashes: new Map(mirror.users.map((u) => [u.externalId, u.hash])) };
        return { snapshot: applyDelta(mirror, changes), mode: 'incremental' as const, cursor: changes.cursor, notes, stored, focused: null, mapper: null };
      } catch (e) {
        if (!isProviderError(e) || e.code !== 'delta_expired') throw e;
        notes.push(`The stored delta token is no longer valid (${e.message}); did a full read instead.`);
      }
    }
    const cursor = supportsDelta && connector.startDelta ? await connector.startDelta() : null;
    const duplicatesNote = (n: number) => { if (n) notes.push(`The provider sent ${n} duplicate records across pages; each was kept once.`); };
    if (focusFull) {
      // the mirror's user hashes first: the read lets go of each record in step with them
      const userHashes = await loadMirrorHashes(db, run.tenant_id, directory.id);
      const loadStored = () => Promise.all([loadStoredMirror(db, run.tenant_id, directory.id, userHashes), lastRunErrors(db, run.tenant_id, directory.id)]);
      // the rest of what a focused read is compared with may load while the directory is read (only
      // this directory's runs change it, and the lease makes this the one): on PostgreSQL, whose server
      // runs the queries; SQLite would run them in this thread and stall the read (Okta: 19.2 → 21.7 s;
      // in a thread of its own it competed with the read for the two cores: decisions.md)
      const early = store.engine === 'postgres' ? loadStored() : null;
      early?.catch(() => undefined); // a failed read fails the run; this load is then not waited for
      const snapshot = await readDirectory(connector, { onProgress, onUsers: letGoOfRecordsInStep(userHashes) });
      duplicatesNote(snapshot.duplicates);
      const t = performance.now();
      const [stored, lastErrors] = await (early ?? loadStored());
      const focused = focusFullRead(snapshot, stored, { watchedGroups: watchedGroups(), lastErrors });
      await restoreRecordsFromMirror(db, run.tenant_id, directory.id, focused.users);
      return { focused, mode: 'full' as const, cursor, notes, compareMs: performance.now() - t };
    }
    // a whole read maps and stages each page of users as it arrives (sync/staged-users.ts)
    const mirrorHashes = await loadMirrorHashes(db, run.tenant_id, directory.id);
    const { snapshot, mapper } = await readStaged(store, connector, { tenantId: run.tenant_id, directoryId: directory.id, runId: run.id, dryRun: run.dry_run === 1 }, { mapping, mirrorHashes, onProgress });
    duplicatesNote(snapshot.duplicates);
    return { snapshot, mode: 'full' as const, cursor, notes, stored: { mirrorHashes }, focused: null, mapper };
  }

  async function resolveDefaultGrant(tenantId: string, directory: DirectoryRecord) {
    const roleKey = directory.settings.defaultRole;
    if (!roleKey) return null;
    const orgs = createOrganizationRepository(db);
    const org = directory.settings.defaultOrganizationId ? await orgs.get(tenantId, directory.settings.defaultOrganizationId) : await orgs.primary(tenantId);
    if (!org) throw new RunFailure('invalid_settings', 'The default role\'s organization no longer exists.', 'Pick another organization under Default role.');
    const role = await createRoleRepository(db).findByKey(tenantId, roleKey);
    if (!role) throw new RunFailure('invalid_settings', `The default role "${roleKey}" does not exist.`, 'Pick an existing role under Default role.');
    return { organizationId: org.id, roleKey };
  }

  async function orgNameLookup(tenantId: string) {
    const rows = await db.selectFrom('organizations').select(['id', 'name']).where('tenant_id', '=', tenantId).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async function execute(run: SyncRunRow, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const row = await db.selectFrom('directories').selectAll().where('id', '=', run.directory_id).where('tenant_id', '=', run.tenant_id).executeTakeFirst();
    let counts = emptyCounts();
    try {
      if (!row) throw new RunFailure('not_found', 'The directory was deleted.');
      const directory = toDirectory(row);
      if (run.dry_run === 0) await dropStagedUsersOf(db, run.tenant_id, directory.id);
      const built = await buildPlan(run, directory, signal, { fingerprint: row.plan_fingerprint, wholeAt: row.last_whole_plan_at });
      counts = built.counts;
      const now = new Date().toISOString();

      if (run.dry_run === 1) {
        const log = runLog(built.log, built.trips.map((t) => ({ kind: 'safeguard', subject: directory.name, message: `A real sync would be blocked: ${t.message}`, details: { code: t.code, hint: t.hint } })));
        await writeLog(store, db, run.tenant_id, run.id, log, now);
        await finish(run, 'succeeded', counts, { mode: built.mode });
      } else if (built.trips.length) {
        const t = built.trips[0]!;
        const log = runLog(built.trips.map((x) => ({ kind: 'safeguard', subject: directory.name, message: x.message, details: { code: x.code, hint: x.hint } })), built.log);
        const eventCount = (await writeLog(store, db, run.tenant_id, run.id, log, now)) - 1;
        await finish(run, 'blocked', counts, { error: { code: t.code, message: t.message, hint: t.hint }, mode: built.mode, blockedPlan: JSON.stringify({ plan: built.plan, eventCount, mode: built.mode, deltaCursor: built.cursor, fingerprint: built.fingerprint, whole: built.whole }) });
      } else {
        const tApply = performance.now();
        await applyPlan(store, built.plan, built.log, {
          tenantId: run.tenant_id, directoryId: directory.id, runId: run.id, now,
          finalize: async (tx, rowsWritten) => {
            counts = { ...counts, rowsWritten, applyMs: Math.round(performance.now() - tApply) } as RunCounts;
            await finish(run, 'succeeded', counts, { tx, mode: built.mode, deltaCursor: built.cursor, fingerprint: built.fingerprint, wholePlan: built.whole });
          },
        });
      }
      logger.info({ runId: run.id, directoryId: run.directory_id, ms: Date.now() - started, counts: summarize(counts) }, 'sync run finished');
      await refreshStatisticsAfter(counts.rowsWritten);
    } catch (e) {
      if (e instanceof LeaseLostError) {
        logger.warn({ runId: run.id }, e.message);
        return;
      }
      if (signal.aborted && run.lease_owner) {
        // stopping (SIGTERM) or the lease was lost: nothing was applied; hand the run back now
        // instead of recording a failure, so another worker (or this one, restarted) runs it
        await db.updateTable('sync_runs').set({ status: 'queued', lease_owner: null, lease_expires_at: null, progress: null })
          .where('id', '=', run.id).where('lease_owner', '=', run.lease_owner).execute().catch(() => undefined);
        logger.info({ runId: run.id }, 'sync run handed back (worker stopping)');
        return;
      }
      const error = describeFailure(e);
      logger.warn({ runId: run.id, directoryId: run.directory_id, code: error.code, err: error.message }, 'sync run failed');
      await clearStagedUsers(db, run.id).catch(() => undefined); // nothing of a failed run is applied
      await writeLog(store, db, run.tenant_id, run.id, [{ kind: 'error', subject: row?.name ?? run.directory_id, message: error.message, details: { code: error.code, ...(error.hint ? { hint: error.hint } : {}) } }], new Date().toISOString())
        .catch(() => undefined);
      await finish(run, 'failed', { ...counts, errors: counts.errors + 1 }, { error }).catch((err: unknown) => logger.error({ err: String(err) }, 'could not record the failed run'));
    }
    const final = await db.selectFrom('sync_runs').select(['status', 'dry_run']).where('id', '=', run.id).executeTakeFirst();
    await deps.onFinished?.({ id: run.id, tenantId: run.tenant_id, directoryId: run.directory_id, status: final?.status ?? 'failed', dryRun: run.dry_run === 1 });
  }

  /** Applies exactly the plan a blocked run held, after an admin approved it. */
  async function applyBlocked(run: SyncRunRow): Promise<void> {
    if (!run.blocked_plan) throw new RunFailure('not_blocked', 'This run holds no plan to approve.');
    const stored = JSON.parse(run.blocked_plan) as { plan: unknown; eventCount: number; mode?: 'full' | 'incremental'; deltaCursor?: string | null; fingerprint?: string; whole?: boolean };
    const plan = planGuard.parse(stored.plan) as Plan;
    const names = new Map<string, string>();
    const orgNames = await orgNameLookup(run.tenant_id);
    const approved = function* () {
      for (const e of planEvents(plan, { groupName: (ext) => names.get(ext) ?? ext, userLabel: () => undefined, organizationName: (id) => orgNames.get(id) ?? id })) {
        yield { ...e, details: { ...e.details, approved: true } };
      }
    };
    let counts = { ...emptyCounts(), ...(JSON.parse(run.counts) as Partial<RunCounts>) };
    await applyPlan(store, plan, [], {
      tenantId: run.tenant_id, directoryId: run.directory_id, runId: run.id, now: new Date().toISOString(),
      finalize: async (tx, rowsWritten) => {
        counts = { ...counts, rowsWritten };
        await writeLog(store, tx, run.tenant_id, run.id, runLog([{ kind: 'approved', subject: run.id, message: 'An admin approved the run; its plan was applied.' }], approved), new Date().toISOString(), stored.eventCount + 1);
        await finish({ ...run, status: 'running' }, 'succeeded', counts, { tx, mode: stored.mode ?? 'full', deltaCursor: stored.deltaCursor ?? null, fingerprint: stored.fingerprint ?? null, wholePlan: stored.whole ?? false });
      },
    });
    await refreshStatisticsAfter(counts.rowsWritten);
  }

  /** After a bulk apply (committed), the planner's statistics are refreshed for the next run's reads. */
  async function refreshStatisticsAfter(rowsWritten: number) {
    if (rowsWritten < BULK_WRITE_ROWS) return;
    const t = performance.now();
    await store.refreshStatistics(SYNC_TABLES, rowsWritten)
      .then((tables) => logger.debug({ ms: Math.round(performance.now() - t), tables }, 'planner statistics refreshed after a bulk apply'))
      .catch((e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not refresh the planner statistics after a bulk apply'));
  }

  return { execute, applyBlocked, buildPlan };
}

function summarize(c: RunCounts) {
  return { created: c.usersCreated, updated: c.usersUpdated, deactivated: c.usersDeactivated, errors: c.errors, rows: c.rowsWritten };
}

export function describeFailure(e: unknown): { code: string; message: string; hint?: string } {
  if (e instanceof RunFailure) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  if (isProviderError(e)) return { code: e.code, message: e.message, ...(e.details.hint ? { hint: e.details.hint } : {}) };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `The sync failed: ${message}`, hint: 'Nothing was changed. Run the sync again; if it keeps failing, check the service log.' };
}

export type RunExecutor = ReturnType<typeof createRunExecutor>;
