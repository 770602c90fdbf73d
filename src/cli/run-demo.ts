/**
 * The demo: a working gateway from a fresh clone in one command. It imports the
 * MovieTweetings sample shipped in `data/` the first time (re-runs find it imported), creates
 * a local admin key, serves with GraphiQL, and prints what to paste.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATABASE_URL } from '../config/index.js';
import { openDatabase } from '../db/index.js';
import { formatImportSummary, importIntoDatabase } from '../import/index.js';
import { createApiKey } from '../auth/api-keys.js';
import { createProgressBar } from './progress-bar.js';
import { runGateway } from './run-gateway.js';

export const DEMO_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/movietweetings-100k');

/**
 * The demo's database: DATABASE_URL when set, else `--db`, else the default every other
 * command opens, so `eval`, `train`, `export` and `ope` find the demo's data as written.
 */
export function demoDatabaseUrl(env: NodeJS.ProcessEnv, dbOption?: string): string {
  return env.DATABASE_URL ?? (dbOption === undefined ? DEFAULT_DATABASE_URL : `file:${dbOption}`);
}

export async function runDemo(options: { port: string; db?: string }): Promise<void> {
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development', DATABASE_URL: demoDatabaseUrl(process.env, options.db) };
  const db = await openDatabase(env.DATABASE_URL);
  let key: string;
  try {
    if ((await db.prisma.interaction.count()) === 0) {
      process.stdout.write(`Importing MovieTweetings (100,000 ratings) into ${env.DATABASE_URL} ...\n`);
      const bar = createProgressBar('import', 1);
      const summary = await importIntoDatabase(db, 'movietweetings', DEMO_DATA, {
        onProgress: (p) => bar.update(p.bytesRead, p.totalBytes),
      });
      bar.done();
      process.stdout.write(`${formatImportSummary(summary)}\n`);
    }
    key = (await createApiKey(db, { scopes: ['admin'], label: 'demo (local)' })).key;
  } finally {
    await db.close();
  }

  await runGateway({ port: options.port, env }, async ({ server, gateway }) => {
    const endpoint = `${server.url}/graphql`;
    const sample = await gateway.services.db.prisma.user.findFirst({ orderBy: { id: 'asc' }, select: { externalId: true } });
    const userId = sample?.externalId ?? 'new-user';
    const query = `{ recommendations(userId: "${userId}", limit: 5, filter: { categories: ["Drama"] }) { impressionId strategy items { position score explanation item { id title categories } } } }`;
    process.stdout.write(
      [
        '',
        `recgate demo is serving at ${endpoint}`,
        `GraphiQL: open ${endpoint} in a browser and add the header {"Authorization": "Bearer ${key}"}`,
        '',
        'Admin API key (created for this run; it is stored only as a hash):',
        key,
        '',
        'Try:',
        `curl -s ${endpoint} -H 'content-type: application/json' -H 'authorization: Bearer ${key}' \\`,
        `  -d '${JSON.stringify({ query })}'`,
        '',
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  });
}
