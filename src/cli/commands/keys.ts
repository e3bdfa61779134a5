/**
 * `accessiq keys rotate --new-key <base64>`: re-encrypts every stored credential with a new master
 * key (same environment as `serve`). Prints the switch-over steps; never prints a key.
 */
import type { Command } from 'commander';
import { print } from '../api-options.js';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('the master key that encrypts directory credentials (works on the database directly)');
  keys
    .command('rotate')
    .description('re-encrypt every directory\'s credentials with a new key, in one transaction')
    .requiredOption('--new-key <base64>', '32 random bytes, base64 or hex (openssl rand -base64 32)')
    .action(async (o: { newKey: string }) => {
      const [{ loadConfig }, { rotateSecretKey }] = await Promise.all([import('../../config.js'), import('../../app/rotate-secret-key.js')]);
      const r = await rotateSecretKey(loadConfig(process.env), o.newKey);
      print(`Re-encrypted the credentials of ${r.directories} director${r.directories === 1 ? 'y' : 'ies'}: key ${r.oldKeyId} → ${r.newKeyId}.`);
      if (r.keyFile) {
        print(`${r.keyFile} now holds the new key. Restart the service.`);
      } else {
        print('Every process must now run with ACCESSIQ_SECRET_KEY set to the new key (keep the old one in');
        print('ACCESSIQ_SECRET_KEY_PREVIOUS until all have restarted, then remove it).');
      }
    });
}
