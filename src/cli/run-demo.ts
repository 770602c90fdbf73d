/**
 * The demo: a working gateway from a fresh clone in one command. It imports the
 * MovieTweetings sample shipped in `data/` the first time (re-runs find it imported), moves
 * the sample's times so that it ends now, creates a local admin key (revoking the previous
 * run's), serves with GraphiQL ready to run a query, and prints what to paste.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATABASE_URL } from '../config/index.js';
import { describeDatabase, openDatabase, type Database } from '../db/index.js';
import { formatImportSummary, importIntoDatabase, type ImportSummary } from '../import/index.js';
import { shiftInteractionsToEndAt, type TimeShift } from '../import/shift-interaction-times.js';
import { createApiKey } from '../auth/api-keys.js';
import { createProgressBar } from './progress-bar.js';
import { runGateway } from './run-gateway.js';

export const DEMO_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/movietweetings-100k');

/** The label of the demo's admin key; a new run revokes the keys of earlier runs by it. */
export const DEMO_KEY_LABEL = 'demo (local)';

/**
 * The demo's database: DATABASE_URL when set, else `--db`, else the default every other
 * command opens, so `eval`, `train`, `export` and `ope` find the demo's data as written.
 */
export function demoDatabaseUrl(env: NodeJS.ProcessEnv, dbOption?: string): string {
  return env.DATABASE_URL ?? (dbOption === undefined ? DEFAULT_DATABASE_URL : `file:${dbOption}`);
}

export interface DemoPreparation {
  /** The admin key of this run (the only unrevoked demo key). */
  readonly key: string;
  /** Set when this run imported the sample. */
  readonly imported: ImportSummary | null;
  /** Set when this run imported the sample and moved its times. */
  readonly shift: TimeShift | null;
  /** Earlier demo keys revoked by this run. */
  readonly revokedKeys: number;
  /** A user of the sample, for the printed and pre-filled query. */
  readonly sampleUserId: string;
}

export interface DemoPreparationOptions {
  /** The instant the sample's newest interaction is moved to. @default now */
  readonly now?: Date;
  /** Import at most this many ratings (tests). @default all */
  readonly limit?: number;
  /** Called with each line the demo has to say while preparing. */
  readonly say?: (line: string) => void;
}

const DAY_MS = 24 * 3600 * 1000;

export function describeTimeShift(shift: TimeShift): string {
  const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? '-';
  return (
    `Moved the sample's times forward by ${Math.round(shift.shiftMs / DAY_MS).toLocaleString('en-US')} days so that its newest rating is now ` +
    `(${day(shift.newestBefore)} -> ${day(shift.newestAfter)}; order and gaps kept), so "popular this week" means the sample's last week, as on a live site.`
  );
}

/** Imports the sample on first start and issues this run's admin key. */
export async function prepareDemo(db: Database, options: DemoPreparationOptions = {}): Promise<DemoPreparation> {
  const say = options.say ?? (() => {});
  let imported: ImportSummary | null = null;
  let shift: TimeShift | null = null;
  if ((await db.prisma.interaction.count()) === 0) {
    say(
      `Importing MovieTweetings (${options.limit === undefined ? '100,000' : options.limit.toLocaleString('en-US')} ratings) into ${describeDatabase(db.url)} ...`,
    );
    const bar = createProgressBar('import', 1);
    imported = await importIntoDatabase(db, 'movietweetings', DEMO_DATA, {
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      onProgress: (p) => bar.update(p.bytesRead, p.totalBytes),
    });
    bar.done();
    say(formatImportSummary(imported));
    shift = await shiftInteractionsToEndAt(db, options.now ?? new Date());
    say(describeTimeShift(shift));
  }
  // One demo key at a time: restarts would otherwise pile up admin keys.
  const revoked = await db.prisma.apiKey.updateMany({ where: { label: DEMO_KEY_LABEL, revokedAt: null }, data: { revokedAt: new Date() } });
  const { key } = await createApiKey(db, { scopes: ['admin'], label: DEMO_KEY_LABEL });
  const sample = await db.prisma.user.findFirst({ orderBy: { id: 'asc' }, select: { externalId: true } });
  return { key, imported, shift, revokedKeys: revoked.count, sampleUserId: sample?.externalId ?? 'new-user' };
}

/** The query the demo prints and pre-fills in GraphiQL: it runs as is. */
export function demoQuery(userId: string): string {
  // Short lines: GraphiQL's editor pane is narrow.
  return [
    'query DemoRecommendations {',
    `  recommendations(userId: ${JSON.stringify(userId)}, limit: 5,`,
    '                  filter: { categories: ["Drama"] }) {',
    '    impressionId',
    '    strategy',
    '    items {',
    '      position score explanation',
    '      item { id title categories }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function runDemo(options: { port: string; db?: string }): Promise<void> {
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development', DATABASE_URL: demoDatabaseUrl(process.env, options.db) };
  const db = await openDatabase(env.DATABASE_URL);
  let prepared: DemoPreparation;
  try {
    prepared = await prepareDemo(db, { say: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await db.close();
  }
  const { key } = prepared;
  const query = demoQuery(prepared.sampleUserId);
  const graphiql = { headers: { Authorization: `Bearer ${key}` }, defaultQuery: query };

  await runGateway({ port: options.port, env, graphiql }, ({ server }) => {
    const endpoint = `${server.url}/graphql`;
    const oneLine = query.replace(/\s+/g, ' ').trim();
    process.stdout.write(
      [
        '',
        `recgate demo is serving ${describeDatabase(env.DATABASE_URL)} at ${endpoint}`,
        `GraphiQL: open ${endpoint} in a browser; the key is in its headers and the query below in its editor (press Run).`,
        '',
        `Admin API key (created for this run${prepared.revokedKeys > 0 ? `; the previous run's demo key is revoked` : ''}; stored only as a hash):`,
        key,
        '',
        'Try:',
        `curl -s ${endpoint} -H 'content-type: application/json' -H 'authorization: Bearer ${key}' \\`,
        `  -d '${JSON.stringify({ query: oneLine })}'`,
        '',
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  });
}
