/** `accessiq users [--directory D] [--status S] [--email E]` and `accessiq user show <id>`. */
import type { Command } from 'commander';
import { z } from 'zod';
import { clientFrom, print, printJson, withApiOptions, type ApiOptions } from '../api-options.js';
import { CliError } from '../cli-error.js';
import { formatFields, formatTable } from '../format.js';
import { intOption } from '../options.js';
import { resolveDirectory } from '../resolve.js';
import { userGuard } from '../wire.js';

const userDetailGuard = userGuard.extend({
  grants: z.array(z.looseObject({ organizationId: z.string(), role: z.string(), source: z.string(), directoryId: z.string().nullable().optional() })).default([]),
  attributes: z.unknown().optional(),
});

const nameOf = (u: { displayName?: string | null; givenName?: string | null; familyName?: string | null }) =>
  u.displayName || [u.givenName, u.familyName].filter(Boolean).join(' ');

export function registerUserCommands(program: Command): void {
  withApiOptions(
    program
      .command('users')
      .description('list AccessIQ users')
      .option('--directory <directory>', 'only users synced from this directory (id or name)')
      .option('--status <status>', 'active | deactivated')
      .option('--email <email>', 'only the user with this email')
      .option('--limit <n>', 'at most this many users', intOption(1, 10_000_000), 1000),
  ).action(async (o: ApiOptions & { directory?: string; status?: string; email?: string; limit: number }) => {
    if (o.status && o.status !== 'active' && o.status !== 'deactivated') throw new CliError(`--status must be active or deactivated (got "${o.status}").`);
    const client = clientFrom(o);
    const directoryId = o.directory ? (await resolveDirectory(client, o.directory)).id : undefined;
    const users = await client.all('/users', userGuard, { directoryId, status: o.status, email: o.email }, o.limit);
    if (o.json) return printJson(users);
    print(formatTable(['ID', 'EMAIL', 'NAME', 'STATUS', 'EXTERNAL ID'], users.map((u) => [u.id, u.email ?? '', nameOf(u), u.status, u.externalId ?? '']), {
      empty: 'No users match.',
    }));
    if (users.length === o.limit) process.stderr.write(`(showing the first ${o.limit}; use --limit for more)\n`);
  });

  withApiOptions(program.command('user').description('one AccessIQ user').command('show <userId>').description("a user's profile and role grants")).action(
    async (id: string, o: ApiOptions) => {
      const u = await clientFrom(o).get(`/users/${encodeURIComponent(id)}`, userDetailGuard);
      if (o.json) return printJson(u);
      print(formatFields([['ID', u.id], ['Email', u.email], ['Name', nameOf(u)], ['Status', u.status], ['Directory', u.directoryId], ['External ID', u.externalId]]));
      print(`\n${formatTable(['ORGANIZATION', 'ROLE', 'SOURCE'], u.grants.map((g) => [g.organizationId, g.role, g.source]), { empty: 'No role grants.' })}`);
    },
  );
}
