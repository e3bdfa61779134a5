/** The `--url` / `--token` / `--json` options shared by every command that talks to the service. */
import type { Command } from 'commander';
import { createApiClient, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';

export interface ApiOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/** The service URL when --url is not given: ACCESSIQ_URL, else the local service on $PORT (3000). */
export function defaultServiceUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.ACCESSIQ_URL || `http://127.0.0.1:${env.PORT || 3000}`;
}

export function withApiOptions(cmd: Command, opts: { json?: boolean } = { json: true }): Command {
  cmd
    .option('--url <url>', 'AccessIQ service URL (default: $ACCESSIQ_URL or http://127.0.0.1:$PORT, port 3000)')
    // the default is read at run time, not shown in --help: it is a secret
    .option('--token <token>', 'API token (default: $ACCESSIQ_TOKEN)');
  if (opts.json !== false) cmd.option('--json', 'print JSON instead of a table');
  return cmd;
}

export function clientFrom(opts: ApiOptions, env: NodeJS.ProcessEnv = process.env): ApiClient {
  const token = opts.token || env.ACCESSIQ_TOKEN;
  if (!token) {
    throw new CliError('No API token: pass --token or set ACCESSIQ_TOKEN.', {
      hint: 'Create a tenant and its first token with `accessiq tenant create <name>` (the token is shown once).',
    });
  }
  const url = opts.url || defaultServiceUrl(env);
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new CliError(`--url "${url}" is not an http(s) URL.`, { hint: 'e.g. --url http://127.0.0.1:3000' });
  }
  return createApiClient({ url, token, tokenSource: opts.token ? '--token' : 'ACCESSIQ_TOKEN' });
}

/** Prints JSON (one value, pretty) on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
