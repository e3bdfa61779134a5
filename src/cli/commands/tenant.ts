/**
 * `accessiq tenant create <name> [--json]`: works on the store directly (same environment as
 * `serve`: DATABASE_URL, ACCESSIQ_DATA_DIR, ACCESSIQ_SECRET_KEY), so the first token can be made
 * before any token exists. With --json, stdout is exactly one line: {"tenantId","token"}.
 */
import type { Command } from 'commander';
import { print } from '../api-options.js';

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('tenants (works on the database directly, not over the API)');
  tenant
    .command('create <name>')
    .description('create a tenant with its primary organization, built-in roles and an API token')
    .option('--json', 'print {"tenantId","token"} as one line of JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const [{ loadConfig }, { createTenantWithToken }] = await Promise.all([import('../../config.js'), import('../../app/tenants.js')]);
      const { tenantId, token } = await createTenantWithToken(loadConfig(process.env), name);
      if (o.json) return void process.stdout.write(`${JSON.stringify({ tenantId, token })}\n`);
      print(`Created tenant "${name}" (${tenantId}).`);
      print('');
      print('API token (shown only this once; store it like a password):');
      print(`  ${token}`);
      print('');
      print('Use it with the CLI:  export ACCESSIQ_TOKEN=<the token above>');
    });
}
