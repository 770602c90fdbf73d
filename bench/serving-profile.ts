/**
 * The in-process half of bench/serving.ts alone, for profiling the request path:
 *
 *   node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/serving-profile.ts --db file:/tmp/recgate-bench.db [--requests 20000]
 *
 * The database must hold the MovieTweetings sample already (run bench/serving.ts once).
 */
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { createGateway } from '../src/gateway.js';
import { percentile } from './support/machine.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const databaseUrl = arg('db', 'file:/tmp/recgate-bench.db');
const requests = Number(arg('requests', '20000'));
const QUERY =
  'query Slate($userId: ID!) { recommendations(userId: $userId, limit: 10) { impressionId strategy propensity items { item { id title categories } score position explanation } } }';

const db = await openDatabase(databaseUrl);
const key = (await createApiKey(db, { scopes: ['client'], label: 'profile' })).key;
const users = (await db.prisma.user.findMany({ take: 500, orderBy: { id: 'asc' }, select: { externalId: true } })).map((u) => u.externalId);
await db.close();

const gateway = await createGateway(loadConfig({ DATABASE_URL: databaseUrl, RECGATE_TRAIN_ON_START: 'none' }), {
  refresh: false,
  log: { info() {}, warn() {}, error() {} },
});
const times: number[] = [];
for (let i = 0; i < requests; i++) {
  const userId = i % 4 === 3 ? `new-user-${i}` : users[i % users.length]!;
  const t0 = performance.now();
  const r = await gateway.yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: QUERY, variables: { userId } }),
  });
  const json = (await r.json()) as { errors?: unknown };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  times.push(performance.now() - t0);
}
await gateway.close();
const steady = times.slice(Math.floor(times.length / 5));
process.stdout.write(`${requests} requests: p50 ${percentile(steady, 50).toFixed(3)} ms, p99 ${percentile(steady, 99).toFixed(3)} ms (last 80%)\n`);
