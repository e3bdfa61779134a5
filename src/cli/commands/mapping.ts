/** `accessiq mapping add|list|delete`: group mappings (provider group → organization + role). */
import type { Command } from 'commander';
import { clientFrom, print, printJson, withApiOptions, type ApiOptions } from '../api-options.js';
import { CliError } from '../cli-error.js';
import { formatTable } from '../format.js';
import { resolveDirectory, resolveOrganizationId } from '../resolve.js';
import { groupMappingGuard, organizationGuard, sourceGroupGuard } from '../wire.js';

const mappingsPath = (directoryId: string) => `/directories/${encodeURIComponent(directoryId)}/group-mappings`;

export function registerMappingCommands(program: Command): void {
  const mapping = program.command('mapping').description('group mappings: members of a provider group get a role in an organization');

  withApiOptions(
    mapping
      .command('add <directory>')
      .description('map a provider group to an organization and role')
      .requiredOption('--source-group <group>', "the provider's group id or name (see `accessiq directory groups`)")
      .requiredOption('--organization <org>', 'organization id or name')
      .requiredOption('--role <role>', 'role key, e.g. member, admin, owner'),
  ).action(async (ref: string, o: ApiOptions & { sourceGroup: string; organization: string; role: string }) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    const groups = await client.all(`/directories/${encodeURIComponent(d.id)}/source-groups`, sourceGroupGuard);
    const wanted = o.sourceGroup.trim().toLowerCase();
    const group = groups.find((g) => g.id === o.sourceGroup) ?? groups.filter((g) => g.name.trim().toLowerCase() === wanted).at(0);
    if (!group) throw new CliError(`The directory has no group with id or name "${o.sourceGroup}".`, { hint: `List them with \`accessiq directory groups ${d.id}\`.` });
    const organizationId = await resolveOrganizationId(client, o.organization);
    const created = await client.post(mappingsPath(d.id), groupMappingGuard, { sourceGroupId: group.id, organizationId, role: o.role });
    if (o.json) return printJson(created);
    print(`Mapped group "${group.name}" to role ${created.role} in organization ${o.organization} (mapping ${created.id}). The next sync applies it.`);
  });

  withApiOptions(mapping.command('list <directory>').description("list a directory's group mappings")).action(async (ref: string, o: ApiOptions) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    const list = await client.all(mappingsPath(d.id), groupMappingGuard);
    if (o.json) return printJson(list);
    // names make the table readable; ids stay for scripts
    const orgs = new Map((await client.all('/organizations', organizationGuard)).map((x) => [x.id, x.name]));
    print(formatTable(
      ['ID', 'SOURCE GROUP', 'ORGANIZATION', 'ROLE'],
      list.map((m) => [m.id, m.sourceGroupName ? `${m.sourceGroupName} (${m.sourceGroupId})` : m.sourceGroupId, orgs.get(m.organizationId) ?? m.organizationId, m.role]),
      { empty: `No group mappings: add one with \`accessiq mapping add ${d.id} --source-group … --organization … --role …\`.` },
    ));
  });

  withApiOptions(mapping.command('delete <directory> <mappingId>').description('remove a group mapping (the next sync revokes its grants)')).action(async (ref: string, mappingId: string, o: ApiOptions) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    await client.delete(`${mappingsPath(d.id)}/${encodeURIComponent(mappingId)}`);
    if (o.json) return printJson({ id: mappingId, deleted: true });
    print(`Deleted group mapping ${mappingId}.`);
  });
}
