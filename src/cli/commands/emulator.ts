/**
 * `accessiq emulator okta|entra|google`: runs a provider emulator in this process until SIGINT or
 * SIGTERM. Prints one line on stdout once listening (scripts wait for it); notes go to stderr.
 * Emulator modules are imported on use so other commands do not load them.
 */
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { intOption, portOption } from '../options.js';
import { print } from '../api-options.js';
import { runUntilStopped } from '../signals.js';

interface CommonEmulatorOptions {
  port: number;
  host: string;
  users: number;
  groups: number;
  seed: number;
}

const INSECURE_NOTE = 'Note: the service reaches an http:// emulator only with ACCESSIQ_ALLOW_INSECURE_ENDPOINTS=1 set.\n';

function withCommonOptions(cmd: Command, defaults: { users: number; groups: number }): Command {
  return cmd
    .option('--port <port>', 'port to listen on (0 = any free port)', portOption, 0)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--users <n>', 'number of users in the sample company', intOption(0, 1_000_000), defaults.users)
    .option('--groups <n>', 'number of groups (departments and teams)', intOption(0, 100_000), defaults.groups)
    .option('--seed <n>', 'seed of the deterministic sample company', intOption(0, 2 ** 31 - 1), 1);
}

async function readText(file: string, option: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${option} ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const listening = (name: string, url: string, o: CommonEmulatorOptions) => `${name} emulator listening on ${url} (${o.users} users, ${o.groups} groups)`;

export function registerEmulatorCommands(program: Command): void {
  const emulator = program.command('emulator').description('run a provider emulator (a real HTTP server speaking the provider\'s API) for trials and tests');

  withCommonOptions(emulator.command('okta').description('Okta Management API emulator (SSWS API token and OAuth service apps)'), { users: 100, groups: 10 })
    .option('--token <token>', 'API token accepted as "Authorization: SSWS <token>"', 'emulator-token')
    .option('--oauth-client-id <id>', 'also accept an OAuth service app with this client id (private_key_jwt)')
    .option('--oauth-public-key-file <file>', "PEM public key of that app (verifies its client assertions)")
    .option('--rate-limit <perMinute>', 'enforce this many requests per minute per endpoint (429 beyond)', intOption(1, 1_000_000))
    .action(async (o: CommonEmulatorOptions & { token: string; oauthClientId?: string; oauthPublicKeyFile?: string; rateLimit?: number }) => {
      if (!o.oauthClientId !== !o.oauthPublicKeyFile) throw new CliError('Give --oauth-client-id and --oauth-public-key-file together.');
      const oauthClients = [];
      if (o.oauthClientId && o.oauthPublicKeyFile) {
        const pem = await readText(o.oauthPublicKeyFile, '--oauth-public-key-file');
        let publicKey;
        try {
          publicKey = createPublicKey(pem);
        } catch {
          throw new CliError(`--oauth-public-key-file ${o.oauthPublicKeyFile} is not a PEM public (or private) key.`);
        }
        oauthClients.push({ clientId: o.oauthClientId, publicKey, scopes: ['okta.users.read', 'okta.groups.read'] });
      }
      const { startOktaEmulator } = await import('../../../emulators/okta/index.js');
      const handle = await startOktaEmulator({
        port: o.port, host: o.host, users: o.users, groups: o.groups, seed: o.seed, token: o.token, oauthClients,
        ...(o.rateLimit ? { rateLimit: { perMinute: o.rateLimit } } : {}),
      });
      print(listening('Okta', handle.url, o));
      process.stderr.write(INSECURE_NOTE);
      await runUntilStopped(() => handle.close());
    });

  withCommonOptions(emulator.command('entra').description('Microsoft Entra ID emulator (token endpoint and Microsoft Graph v1.0)'), { users: 100, groups: 20 })
    .option('--tenant-id <id>', 'directory (tenant) id (default: a GUID derived from the seed)')
    .option('--client-id <id>', 'application (client) id (default: a GUID derived from the seed)')
    .option('--client-secret <secret>', 'accepted client secret (default "emulator-secret" unless --certificate-file)')
    .option('--certificate-file <file>', 'PEM certificate registered on the app (client assertions must be signed by its key)')
    .action(async (o: CommonEmulatorOptions & { tenantId?: string; clientId?: string; clientSecret?: string; certificateFile?: string }) => {
      const certificate = o.certificateFile ? await readText(o.certificateFile, '--certificate-file') : undefined;
      const { startEntraEmulator } = await import('../../../emulators/entra/index.js');
      const handle = await startEntraEmulator({
        port: o.port, host: o.host, users: o.users, groups: o.groups, seed: o.seed,
        ...(o.tenantId ? { tenantId: o.tenantId } : {}),
        ...(o.clientId ? { clientId: o.clientId } : {}),
        ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
        ...(certificate ? { certificate } : {}),
      });
      print(`${listening('Entra', handle.url, o)} tenant ${handle.tenantId}, client ${handle.clientId}`);
      process.stderr.write(`Connect with: --provider entra --tenant-id ${handle.tenantId} --client-id ${handle.clientId} --login-endpoint ${handle.url} --graph-endpoint ${handle.url} and the client secret.\n`);
      process.stderr.write(INSECURE_NOTE);
      await runUntilStopped(() => handle.close());
    });

  withCommonOptions(emulator.command('google').description('Google Workspace emulator (service-account token endpoint and Admin SDK Directory API)'), { users: 100, groups: 10 })
    .option('--key-file <file>', 'service-account key JSON: loaded if it exists, else written (default: in the temp directory, per seed)')
    .option('--admin-email <email>', 'the super admin the service account may impersonate (default admin@<domain>)')
    .option('--domain <domain>', 'Workspace domain', 'example.test')
    .action(async (o: CommonEmulatorOptions & { keyFile?: string; adminEmail?: string; domain: string }) => {
      const keyFile = path.resolve(o.keyFile ?? path.join(os.tmpdir(), `accessiq-google-emulator-key-seed${o.seed}.json`));
      const { startGoogleEmulator } = await import('../../../emulators/google/index.js');
      const handle = await startGoogleEmulator({
        port: o.port, host: o.host, users: o.users, groups: o.groups, seed: o.seed, keyFile, domain: o.domain,
        ...(o.adminEmail ? { adminEmail: o.adminEmail } : {}),
      });
      print(`${listening('Google', handle.url, o)} key file ${keyFile}`);
      process.stderr.write(`Connect with: --provider google --service-account-key-file ${keyFile} --admin-email ${handle.adminEmail} --directory-endpoint ${handle.url}\n`);
      process.stderr.write(INSECURE_NOTE);
      await runUntilStopped(() => handle.close());
    });
}
