/**
 * The composition root: opens the store, loads the credential key, builds repositories, services,
 * the sync executor and the run worker. Routes, CLI and tests get everything from here.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';
import { openStore, reportIdleConnectionErrors, type Store } from '../store/database.js';
import { createSecretBox, loadOrCreateKey, parseKey, type SecretBox } from '../security/secret-box.js';
import { createApiTokenRepository, createTenantRepository } from '../store/repositories/tenant-repository.js';
import { createOrganizationRepository } from '../store/repositories/organization-repository.js';
import { createRoleRepository } from '../store/repositories/role-repository.js';
import { createUserRepository } from '../store/repositories/user-repository.js';
import { createDirectoryRepository, createGroupMappingRepository } from '../store/repositories/directory-repository.js';
import { createRunRepository } from '../store/repositories/run-repository.js';
import { createAuditRepository } from '../store/repositories/audit-repository.js';
import type { ConnectorContext } from '../providers/types.js';
import { createRunExecutor, type RunExecutor } from '../sync/run-executor.js';
import { createRunWorker, type RunWorker } from '../sync/run-worker.js';
import { createRunThread } from '../sync/run-thread.js';
import { newId } from '../lib/ids.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { createDirectoryAlerts } from './alerts.js';

export interface AppContext {
  config: Config;
  logger: Logger;
  store: Store;
  secretBox: SecretBox;
  repos: ReturnType<typeof createRepositories>;
  executor: RunExecutor;
  connectorContext?: ConnectorContext;
  notifyWorkers(): void;
}

export function createRepositories(store: Store) {
  const db = store.db;
  return {
    tenants: createTenantRepository(db),
    tokens: createApiTokenRepository(db, store.withoutWaiting),
    organizations: createOrganizationRepository(db),
    roles: createRoleRepository(db),
    users: createUserRepository(db),
    directories: createDirectoryRepository(db),
    groupMappings: createGroupMappingRepository(db),
    runs: createRunRepository(db, store.withoutWaiting),
    audit: createAuditRepository(db),
  };
}

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    // belt and braces: secrets never reach a log line even if a caller logs a whole object
    redact: { paths: ['*.credentials', '*.apiToken', '*.clientSecret', '*.privateKey', '*.token', '*.authorization', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  });
}

export interface AppContextOptions {
  logger?: Logger;
  connectorContext?: ConnectorContext;
  /** Run the in-process worker (default true). */
  worker?: boolean;
  workerPollMs?: number;
  /** Lease of a claimed run (default 60 s). */
  leaseMs?: number;
  /** Names this process's worker in run leases (default a random `wrk_…`). */
  workerOwner?: string;
  /** The scheduler's time (tests pass a fake clock). */
  clock?: Clock;
  /** How often the scheduler looks for due directories (default 1 s). */
  schedulerPollMs?: number;
  /** Base of the failure backoff (default 1 min). */
  backoffBaseMs?: number;
  /** Execute runs in a worker thread, off the service's event loop (default true; ACCESSIQ_SYNC_THREAD=0 turns it off). */
  syncThread?: boolean;
  /** Modules the sync thread imports first (tests only: the fault suite's in-thread hooks). */
  syncThreadPreload?: string[];
}

/** How long the main thread's SQLite writes wait behind the sync thread's apply (see openStore). */
const MAIN_THREAD_BUSY_TIMEOUT_MS = 2_000;

export async function createAppContext(config: Config, options: AppContextOptions = {}): Promise<AppContext & { worker: RunWorker | null; scheduler: Scheduler; close(): Promise<void> }> {
  const logger = options.logger ?? createLogger(config);
  reportIdleConnectionErrors((err) => logger.warn({ err: err.message }, 'a pooled database connection was closed by the server; it will be replaced'));
  const useSyncThread = options.worker !== false && (options.syncThread ?? process.env.ACCESSIQ_SYNC_THREAD !== '0');
  const storeOptions = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
  // SQLite: while the sync thread's apply holds the write lock, a write here waits synchronously,
  // freezing the API; it gives up after 2 s (the API answers 503 database_busy, nothing is lost)
  const store = await openStore(useSyncThread ? { ...storeOptions, busyTimeoutMs: MAIN_THREAD_BUSY_TIMEOUT_MS } : storeOptions);
  const key = loadOrCreateKey(config.secretKey, config.dataDir, (msg) => logger.warn(msg));
  // previous keys only open what was sealed before a rotation; everything new is sealed with `key`
  const previousKeys = config.secretKeyPrevious.map(parseKey);
  const secretBox = createSecretBox(key, previousKeys);
  const repos = createRepositories(store);
  // the scheduler object always exists (its backoff bookkeeping runs after every run); its polling
  // loop runs only where the service starts it (service.ts, `accessiq worker`)
  const scheduler = createScheduler({
    db: store.db, clock: options.clock ?? systemClock, logger, skipLocked: store.supportsSkipLocked,
    ...(options.schedulerPollMs ? { pollMs: options.schedulerPollMs } : {}),
    ...(options.backoffBaseMs ? { backoffBaseMs: options.backoffBaseMs } : {}),
    onQueued: () => worker?.notify(),
  });
  const alerts = createDirectoryAlerts({ db: store.db, logger, webhookUrl: config.alertWebhookUrl, webhookSecret: config.alertWebhookSecret });
  const onFinished = async (run: { id: string; tenantId: string; directoryId: string; status: string; dryRun: boolean }) => {
    await scheduler.onRunFinished(run).catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e), directoryId: run.directoryId }, 'scheduler: recording the run for the schedule failed'));
    await alerts.onRunFinished(run).catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e), directoryId: run.directoryId }, 'alerts: checking the directory\'s health failed'));
  };
  // approvals (applyBlocked) run here; claimed runs run in the sync thread unless it is turned off
  const executor = createRunExecutor({ store, secretBox, logger, ...(options.connectorContext ? { connectorContext: options.connectorContext } : {}), onFinished });
  const syncThread = useSyncThread
    ? createRunThread({
      store, storeOptions, keys: { current: key, previous: previousKeys }, logger, onFinished,
      ...(options.syncThreadPreload ? { preload: options.syncThreadPreload } : {}),
      ...(options.connectorContext ? { connectorContext: options.connectorContext } : {}),
    })
    : null;
  const worker = options.worker === false ? null : createRunWorker({
    runs: repos.runs, executor: syncThread ?? executor, logger, owner: options.workerOwner ?? newId('wrk'), skipLocked: store.supportsSkipLocked,
    ...(options.workerPollMs ? { pollMs: options.workerPollMs } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  });
  const ctx: AppContext = {
    config, logger, store, secretBox, repos, executor,
    ...(options.connectorContext ? { connectorContext: options.connectorContext } : {}),
    notifyWorkers: () => worker?.notify(),
  };
  return {
    ...ctx,
    worker,
    scheduler,
    async close() {
      await scheduler.stop();
      await worker?.stop({ abandon: true });
      await syncThread?.close();
      await alerts.close();
      await store.close();
    },
  };
}

/** ACCESSIQ_ADMIN_TOKEN: creates (once) the default tenant and an admin token with that value. */
export async function ensureBootstrapToken(ctx: AppContext) {
  const token = ctx.config.adminToken;
  if (!token) return;
  if (await ctx.repos.tokens.exists(token)) return;
  const existing = await ctx.repos.tenants.findByName('default');
  const tenantId = existing?.id ?? (await ctx.repos.tenants.create('default')).tenantId;
  await ctx.repos.tokens.create(tenantId, 'ACCESSIQ_ADMIN_TOKEN', token);
  ctx.logger.info({ tenantId }, 'created the admin API token from ACCESSIQ_ADMIN_TOKEN');
}
