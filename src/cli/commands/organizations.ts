/** `accessiq organizations list|create <name>` and `accessiq roles list`. */
import type { Command } from 'commander';
import { clientFrom, print, printJson, withApiOptions, type ApiOptions } from '../api-options.js';
import { formatTable } from '../format.js';
import { organizationGuard, roleGuard } from '../wire.js';

export function registerOrganizationCommands(program: Command): void {
  const organizations = program.command('organizations').alias('orgs').description("the tenant's organizations");

  withApiOptions(organizations.command('list').description('list organizations')).action(async (o: ApiOptions) => {
    const list = await clientFrom(o).all('/organizations', organizationGuard);
    if (o.json) return printJson(list);
    print(formatTable(['ID', 'NAME'], list.map((x) => [x.id, x.name]), { empty: 'No organizations.' }));
  });

  withApiOptions(organizations.command('create <name>').description('create an organization')).action(async (name: string, o: ApiOptions) => {
    const created = await clientFrom(o).post('/organizations', organizationGuard, { name });
    if (o.json) return printJson(created);
    print(`Created organization "${created.name}" (${created.id}).`);
  });

  const roles = program.command('roles').description("the tenant's roles (built-in owner, admin, member, and custom ones)");
  withApiOptions(roles.command('list').description('list roles')).action(async (o: ApiOptions) => {
    const list = await clientFrom(o).all('/roles', roleGuard);
    if (o.json) return printJson(list);
    print(formatTable(['KEY', 'NAME', 'BUILT-IN', 'DESCRIPTION'], list.map((r) => [r.key, r.name ?? '', r.builtIn ? 'yes' : '', r.description ?? ''])));
  });
}
