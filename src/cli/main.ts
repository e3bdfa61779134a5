/**
 * The `accessiq` command. `serve` runs the service; `tenant` works on the database directly;
 * `emulator` runs a provider emulator; every other command talks to a running service over its
 * REST API (--url / ACCESSIQ_URL, --token / ACCESSIQ_TOKEN). Heavy modules (the service, the
 * emulators) are imported on use so `accessiq users` starts fast.
 */
import { Command } from 'commander';
import { reportError } from './cli-error.js';
import { print } from './api-options.js';
import { runUntilStopped } from './signals.js';
import { registerDirectoryCommands } from './commands/directory.js';
import { registerEmulatorCommands } from './commands/emulator.js';
import { registerMappingCommands } from './commands/mapping.js';
import { registerOrganizationCommands } from './commands/organizations.js';
import { registerRunCommands } from './commands/runs.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerTenantCommands } from './commands/tenant.js';
import { registerUserCommands } from './commands/users.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerKeyCommands } from './commands/keys.js';

export function buildProgram(): Command {
  const program = new Command('accessiq')
    .description('AccessIQ Directory Sync: sync users, groups and memberships from Okta, Entra ID and Google Workspace')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('serve')
    .description('run the service (API, scheduler) configured by the environment: PORT, DATABASE_URL, ACCESSIQ_DATA_DIR, …')
    .action(async () => {
      const [{ loadConfig }, { startService }] = await Promise.all([import('../config.js'), import('../service.js')]);
      const service = await startService(loadConfig(process.env));
      print(`AccessIQ Directory Sync listening on ${service.url}`);
      await runUntilStopped(() => service.close());
    });

  registerTenantCommands(program);
  registerKeyCommands(program);
  registerDirectoryCommands(program);
  registerMappingCommands(program);
  registerSyncCommand(program);
  registerRunCommands(program);
  registerUserCommands(program);
  registerOrganizationCommands(program);
  registerEmulatorCommands(program);
  registerWorkerCommand(program);
  registerDemoCommand(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

await main();
