/** `accessiq directory add|list|show|test|groups|update|delete`. */
import type { Command } from 'commander';
import { clientFrom, print, printJson, withApiOptions, type ApiOptions } from '../api-options.js';
import { CliError } from '../cli-error.js';
import { formatFields, formatTable, formatTime } from '../format.js';
import { resolveDirectory } from '../resolve.js';
import { connectionTestGuard, directoryGuard, sourceGroupGuard, type DirectoryView } from '../wire.js';
import { buildCredentials, readSettingsFile, type CredentialFlags } from './directory-credentials.js';

interface AddOptions extends ApiOptions, CredentialFlags {
  name: string;
  provider: string;
  settingsFile?: string;
}

const path = (d: { id: string }) => `/directories/${encodeURIComponent(d.id)}`;

function showDirectory(d: DirectoryView): string {
  const fields = formatFields([
    ['ID', d.id],
    ['Name', d.name],
    ['Provider', d.provider],
    ['Health', d.health],
    ['Last sync', formatTime(d.lastSyncAt)],
    ['Next sync', formatTime(d.nextSyncAt)],
    ['Created', formatTime(d.createdAt)],
  ]);
  return d.settings === undefined ? fields : `${fields}\nSettings:\n${JSON.stringify(d.settings, null, 2).replace(/^/gm, '  ')}`;
}

export function registerDirectoryCommands(program: Command): void {
  const directory = program.command('directory').description('connect and manage directories (Okta, Entra ID, Google Workspace)');

  withApiOptions(
    directory
      .command('add')
      .description('connect a directory')
      .requiredOption('--name <name>', 'display name, e.g. "Acme Okta"')
      .requiredOption('--provider <provider>', 'okta | entra | google')
      .option('--org-url <url>', '[okta] org address, e.g. https://acme.okta.com')
      .option('--api-token <token>', '[okta] API token (SSWS)')
      .option('--client-id <id>', '[okta] OAuth service app client id; [entra] application (client) id')
      .option('--private-key-file <file>', '[okta] service app private key (PEM or JWK); [entra] certificate private key (PEM)')
      .option('--key-id <kid>', '[okta] KID of the service app key')
      .option('--tenant-id <id>', '[entra] directory (tenant) id')
      .option('--client-secret <secret>', '[entra] client secret value')
      .option('--certificate-file <file>', '[entra] certificate (PEM) uploaded to the app registration')
      .option('--cloud <cloud>', '[entra] global | usgov | china')
      .option('--login-endpoint <url>', '[entra] login base URL (private clouds, emulator)')
      .option('--graph-endpoint <url>', '[entra] Microsoft Graph base URL (private clouds, emulator)')
      .option('--service-account-key-file <file>', '[google] service account JSON key')
      .option('--admin-email <email>', '[google] super admin the service account acts as')
      .option('--customer-id <id>', '[google] customer id (default my_customer)')
      .option('--directory-endpoint <url>', '[google] Directory API base URL (emulator)')
      .option('--settings-file <file>', 'JSON file with the sync settings (user filter, attribute mapping, default role, …)'),
  ).action(async (o: AddOptions) => {
    const client = clientFrom(o);
    const { name, provider, settingsFile, url: _url, token: _token, json, ...flags } = o;
    const body = {
      name,
      provider,
      credentials: await buildCredentials(provider, flags),
      ...(settingsFile ? { settings: await readSettingsFile(settingsFile) } : {}),
    };
    const created = await client.post('/directories', directoryGuard, body);
    if (json) return printJson(created);
    print(`Connected directory "${created.name}" (${created.provider}), id ${created.id}.`);
    print(`Next: \`accessiq directory test ${created.id}\`, then \`accessiq sync ${created.id} --dry-run\`.`);
  });

  withApiOptions(directory.command('list').description('list the directories of this tenant')).action(async (o: ApiOptions) => {
    const list = await clientFrom(o).all('/directories', directoryGuard);
    if (o.json) return printJson(list);
    print(formatTable(['ID', 'NAME', 'PROVIDER', 'HEALTH', 'LAST SYNC', 'NEXT SYNC'], list.map((d) => [d.id, d.name, d.provider, d.health, formatTime(d.lastSyncAt), formatTime(d.nextSyncAt)]), {
      empty: 'No directories yet: connect one with `accessiq directory add`.',
    }));
  });

  withApiOptions(directory.command('show <directory>').description('show a directory and its settings (by id or name)')).action(async (ref: string, o: ApiOptions) => {
    const d = await resolveDirectory(clientFrom(o), ref);
    if (o.json) return printJson(d);
    print(showDirectory(d));
  });

  withApiOptions(directory.command('test <directory>').description('check that the service can connect with the stored credentials')).action(async (ref: string, o: ApiOptions) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    const result = await client.post(`${path(d)}/test`, connectionTestGuard);
    if (o.json) printJson(result);
    if (result.ok === false) throw new CliError(result.message ?? `Could not connect to ${d.name}.`, result.details?.hint ? { hint: result.details.hint } : {});
    if (!o.json) print(result.message ? `OK: ${result.message}` : `OK: connected to ${d.name}.`);
  });

  withApiOptions(directory.command('groups <directory>').description("list the provider's groups (live), for user filters and group mappings")).action(async (ref: string, o: ApiOptions) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    const groups = await client.all(`${path(d)}/source-groups`, sourceGroupGuard);
    if (o.json) return printJson(groups);
    print(formatTable(['ID', 'NAME'], groups.map((g) => [g.id, g.name]), { empty: 'The directory has no groups.' }));
  });

  withApiOptions(
    directory
      .command('update <directory>')
      .description('change a directory\'s settings (merged over the current ones) or name')
      .option('--settings-file <file>', 'JSON file with the settings to change')
      .option('--name <name>', 'new display name'),
  ).action(async (ref: string, o: ApiOptions & { settingsFile?: string; name?: string }) => {
    if (!o.settingsFile && !o.name) throw new CliError('Nothing to change: give --settings-file and/or --name.');
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    const body = { ...(o.name ? { name: o.name } : {}), ...(o.settingsFile ? { settings: await readSettingsFile(o.settingsFile) } : {}) };
    const updated = await client.patch(path(d), directoryGuard, body);
    if (o.json) return printJson(updated);
    print(`Updated directory "${updated.name}".`);
    print(showDirectory(updated));
  });

  withApiOptions(directory.command('delete <directory>').description('disconnect a directory')).action(async (ref: string, o: ApiOptions) => {
    const client = clientFrom(o);
    const d = await resolveDirectory(client, ref);
    await client.delete(path(d));
    if (o.json) return printJson({ id: d.id, deleted: true });
    print(`Deleted directory "${d.name}" (${d.id}).`);
  });
}
