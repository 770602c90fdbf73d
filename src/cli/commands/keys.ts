import type { Command } from 'commander';

/** `recgate keys create|list|revoke`: API keys in the configured database. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage API keys (stored hashed in DATABASE_URL)');

  keys
    .command('create')
    .description('Create a key; prints it once, alone on the last line')
    .requiredOption('--scope <scope...>', 'client (recommendations, feedback) and/or admin (everything)')
    .option('--label <label>', 'what the key is for', 'default')
    .action(async (options: { scope: string[]; label: string }) => {
      const { withDatabase } = await import('../with-database.js');
      const { createApiKey } = await import('../../auth/api-keys.js');
      await withDatabase(async (db) => {
        const { key, info } = await createApiKey(db, { scopes: options.scope.flatMap((s) => s.split(',')), label: options.label });
        process.stdout.write(`Created key ${info.id} (${info.prefix}…) with scope ${info.scopes.join(',')}, label "${info.label}".\n`);
        process.stdout.write('Send it as "Authorization: Bearer <key>". It is not stored and cannot be shown again:\n');
        process.stdout.write(`${key}\n`);
      });
    });

  keys
    .command('list')
    .description('List keys (prefix, scopes, label, created, last used, revoked)')
    .action(async () => {
      const { withDatabase } = await import('../with-database.js');
      const { listApiKeys } = await import('../../auth/api-keys.js');
      await withDatabase(async (db) => {
        const rows = await listApiKeys(db);
        if (rows.length === 0) process.stdout.write('No keys. Create one with: npx recgate keys create --scope client --label web\n');
        for (const k of rows) {
          process.stdout.write(
            `${k.id}\t${k.prefix}…\t${k.scopes.join(',')}\t${k.label}\tcreated ${k.createdAt.toISOString()}\tlast used ${k.lastUsedAt?.toISOString() ?? 'never'}${k.revokedAt ? `\tREVOKED ${k.revokedAt.toISOString()}` : ''}\n`,
          );
        }
      });
    });

  keys
    .command('revoke <idOrPrefix>')
    .description('Revoke a key by id or printed prefix (takes effect within 30 s on running gateways)')
    .action(async (idOrPrefix: string) => {
      const { withDatabase } = await import('../with-database.js');
      const { revokeApiKey } = await import('../../auth/api-keys.js');
      const { rgError } = await import('../../errors.js');
      await withDatabase(async (db) => {
        const count = await revokeApiKey(db, idOrPrefix);
        if (count === 0) throw rgError('RG_ERR_INVALID_INPUT', { path: 'idOrPrefix', reason: `no active key matches "${idOrPrefix}"` });
        process.stdout.write(`Revoked ${count} key(s).\n`);
      });
    });
}
