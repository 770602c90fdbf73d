/**
 * Feedback ingestion benchmark: `recordFeedbackBatch` against a gateway started the way an
 * operator starts it (`node bin/recgate.mjs serve`), on a fresh SQLite file and a fresh
 * PostgreSQL database.
 *
 *   npx tsx bench/ingestion.ts [--providers sqlite,postgres] [--events 40000] [--batch 100]
 *     [--connections 8] [--users 5000] [--items 2000] [--cpu-prof]
 *
 * Per engine: creates a client key with `recgate keys create`, writes a catalogue, asks for
 * some slates (so that a tenth of the feedback names an impression and
 * the meta-policy is rewarded), then
 * 1. sends `--events` feedback entries in batches of `--batch` over `--connections` concurrent
 *    keep-alive connections, each with its own idempotency key: events/s, p50/p99 per batch
 *    (a batch answered with an error is sent again, as a client would, and counted);
 * 2. replays every batch with the same keys: every answer must name the ids of the first
 *    pass (duplicates = entries answered with another id, or rows beyond the expected count);
 * 3. counts the stored rows of the run in the database: lost = expected - stored.
 * PostgreSQL: RECGATE_BENCH_POSTGRES_URL (default postgres://root@127.0.0.1:5432/postgres).
 * `--cpu-prof` writes the gateway's V8 CPU profile under bench/results/profiles/.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../src/db/index.js';
import { freshPostgres } from './support/fresh-postgres.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    providers: { type: 'string', default: 'sqlite,postgres' },
    events: { type: 'string', default: '40000' },
    batch: { type: 'string', default: '100' },
    connections: { type: 'string', default: '8' },
    users: { type: 'string', default: '5000' },
    items: { type: 'string', default: '2000' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const BATCH = Number(args.batch);
const CONNECTIONS = Number(args.connections);
const USERS = Number(args.users);
const ITEMS = Number(args.items);
const SLATES = 400;
const MAX_ATTEMPTS = 5;
/** The gateways' output, for a look at what went wrong when a batch failed. */
const GATEWAY_LOG = path.join(os.tmpdir(), `recgate-bench-ingestion-${process.pid}.log`);
const WARM_UP_BATCHES = 10;
type Provider = 'sqlite' | 'postgres';

const RECORD_BATCH = 'mutation Feedback($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id idempotencyKey } }';
const SLATE = 'query Slate($userId: ID!) { recommendations(userId: $userId, limit: 10) { impressionId items { item { id } } } }';
const TYPES = ['VIEW', 'VIEW', 'VIEW', 'CLICK', 'CLICK', 'ADD_TO_CART', 'PURCHASE', 'RATING'] as const;

interface FeedbackEntry {
  userId: string;
  itemId: string;
  type: string;
  value?: number;
  impressionId?: string;
  idempotencyKey: string;
  occurredAt: string;
}

interface FreshDatabase {
  readonly url: string;
  countRows(keyPrefix: string): Promise<number>;
  rewardedImpressions(): Promise<number>;
  drop(): Promise<void>;
}

async function freshDatabase(provider: Provider): Promise<FreshDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'recgate-bench-ingestion-'));
    const file = path.join(dir, 'bench.db');
    const query = <T>(sql: string, ...values: unknown[]): T => {
      const db = new Sqlite(file, { readonly: true });
      try {
        return db.prepare(sql).get(...values) as T;
      } finally {
        db.close();
      }
    };
    return {
      url: `file:${file}`,
      countRows: async (prefix) => query<{ n: number }>('SELECT COUNT(*) AS n FROM "Interaction" WHERE "idempotencyKey" LIKE ?', `${prefix}%`).n,
      rewardedImpressions: async () => query<{ n: number }>('SELECT COUNT(*) AS n FROM "Impression" WHERE "reward" IS NOT NULL').n,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const postgres = await freshPostgres('recgate_bench_ingestion');
  const query = async (sql: string, values: unknown[] = []): Promise<number> => {
    const c = new pg.Client({ connectionString: postgres.url });
    await c.connect();
    try {
      return Number((await c.query<{ n: string }>(sql, values)).rows[0]!.n);
    } finally {
      await c.end();
    }
  };
  return {
    url: postgres.url,
    countRows: (prefix) => query('SELECT COUNT(*) AS n FROM "Interaction" WHERE "idempotencyKey" LIKE $1', [`${prefix}%`]),
    rewardedImpressions: () => query('SELECT COUNT(*) AS n FROM "Impression" WHERE "reward" IS NOT NULL'),
    drop: () => postgres.drop(),
  };
}

const cliEnv = (databaseUrl: string) => ({ ...process.env, DATABASE_URL: databaseUrl, RECGATE_TRAIN_ON_START: 'none', NODE_ENV: 'production' });

async function createKey(databaseUrl: string, scope: 'client' | 'admin'): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/recgate.mjs', 'keys', 'create', '--scope', scope, '--label', 'bench'], {
    cwd: root,
    env: cliEnv(databaseUrl),
  });
  return stdout.trim().split('\n').at(-1)!.trim();
}

function startGateway(databaseUrl: string, profileDir: string | null): Promise<{ child: ChildProcess; url: string }> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profile, 'bin/recgate.mjs', 'serve', '--port', '0'], {
      cwd: root,
      env: cliEnv(databaseUrl),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      appendFileSync(GATEWAY_LOG, chunk);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(seen);
      if (m) resolve({ child, url: m[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`gateway exited with ${code}: ${seen}`)));
  });
}

/** The catalogue, written directly (setup, not measured). */
async function createCatalogue(databaseUrl: string): Promise<void> {
  const db = await openDatabase(databaseUrl);
  try {
    const data = Array.from({ length: ITEMS }, (_, i) => ({ externalId: `i${i}`, title: `Item ${i}`, attributes: {} }));
    await db.prisma.item.createMany({ data });
    const items = await db.prisma.item.findMany({ select: { id: true } });
    await db.prisma.itemCategory.createMany({ data: items.map((item) => ({ itemId: item.id, name: `c${item.id % 20}` })) });
  } finally {
    await db.close();
  }
}

async function gql<T>(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * CPU seconds a process has used (Linux /proc; user + system, 100 ticks a second). On a shared
 * machine, events per gateway CPU second is the figure load does not distort.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A small deterministic generator (mulberry32), so every run sends the same feedback. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Slate = { userId: string; impressionId: string; items: string[] };

function makeBatches(prefix: string, count: number, slates: readonly Slate[], seed: number): FeedbackEntry[][] {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const now = Date.now();
  const batches: FeedbackEntry[][] = [];
  for (let b = 0; b < count / BATCH; b++) {
    const batch: FeedbackEntry[] = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      const type = TYPES[pick(TYPES.length)]!;
      const entry: FeedbackEntry = {
        userId: `u${pick(USERS)}`,
        itemId: `i${pick(ITEMS)}`,
        type,
        idempotencyKey: `${prefix}${n}`,
        occurredAt: new Date(now - pick(60_000)).toISOString(),
      };
      if (type === 'RATING') entry.value = 1 + pick(10);
      if (type === 'PURCHASE') entry.value = 1 + pick(3);
      if (n % 10 === 0 && slates.length > 0) {
        const slate = slates[pick(slates.length)]!;
        Object.assign(entry, { userId: slate.userId, itemId: slate.items[pick(slate.items.length)]!, impressionId: slate.impressionId, type: 'CLICK' });
        delete entry.value;
      }
      batch.push(entry);
    }
    batches.push(batch);
  }
  return batches;
}

interface PassResult {
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Batches answered with an error and sent again (each retry counted). */
  readonly failedAttempts: number;
  readonly firstFailure: string | null;
  readonly answers: Array<Array<{ id: string; idempotencyKey: string }>>;
}

/** Sends the batches over `CONNECTIONS` concurrent senders, each waiting for its answer. */
async function send(url: string, key: string, batches: readonly FeedbackEntry[][]): Promise<PassResult> {
  const answers: PassResult['answers'] = new Array(batches.length);
  const times: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let b = next++; b < batches.length; b = next++) {
        const started = performance.now();
        // A client retries a failed batch with the same keys: that is what the keys are for.
        for (let attempt = 1; ; attempt++) {
          try {
            const data = await gql<{ recordFeedbackBatch: Array<{ id: string; idempotencyKey: string }> }>(url, key, RECORD_BATCH, { inputs: batches[b] });
            answers[b] = data.recordFeedbackBatch;
            break;
          } catch (error) {
            if (attempt >= MAX_ATTEMPTS) throw error;
            failures.push(String(error).slice(0, 300));
          }
        }
        times.push(performance.now() - started);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const events = batches.reduce((n, b) => n + b.length, 0);
  return {
    seconds,
    eventsPerSecond: events / seconds,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    failedAttempts: failures.length,
    firstFailure: failures[0] ?? null,
    answers,
  };
}

interface EngineResult {
  readonly provider: Provider;
  readonly events: number;
  /** CPU the gateway process used during the first pass. */
  readonly gatewayCpuSeconds: number;
  readonly eventsPerGatewayCpuSecond: number;
  readonly first: Omit<PassResult, 'answers'>;
  readonly replay: Omit<PassResult, 'answers'>;
  readonly duplicates: number;
  readonly lost: number;
  readonly storedRows: number;
  readonly rewardedImpressions: number;
}

async function runEngine(provider: Provider): Promise<EngineResult> {
  const database = await freshDatabase(provider);
  let gateway: ChildProcess | null = null;
  try {
    const clientKey = await createKey(database.url, 'client');
    await createCatalogue(database.url);
    const profileDir = args['cpu-prof'] ? path.join(root, 'bench/results/profiles') : null;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const started = await startGateway(database.url, profileDir);
    gateway = started.child;
    const { url } = started;

    const slates: Slate[] = [];
    for (let s = 0; s < SLATES; s++) {
      const userId = `u${s}`;
      const data = await gql<{ recommendations: { impressionId: string; items: Array<{ item: { id: string } }> } }>(url, clientKey, SLATE, { userId });
      slates.push({ userId, impressionId: data.recommendations.impressionId, items: data.recommendations.items.map((i) => i.item.id) });
    }

    const warmUp = makeBatches('warm-up-', WARM_UP_BATCHES * BATCH, slates, 7);
    await send(url, clientKey, warmUp);
    const prefix = `bench-${provider}-`;
    const batches = makeBatches(prefix, EVENTS, slates, 42);
    const cpuBefore = cpuSeconds(gateway.pid!);
    const first = await send(url, clientKey, batches);
    const gatewayCpuSeconds = cpuSeconds(gateway.pid!) - cpuBefore;
    const replay = await send(url, clientKey, batches);

    // Exactly once: the replay answers every entry with the id the first pass stored.
    let duplicates = 0;
    batches.forEach((_, b) => first.answers[b]!.forEach((a, i) => (duplicates += replay.answers[b]![i]!.id === a.id ? 0 : 1)));
    const storedRows = await database.countRows(prefix);
    duplicates += Math.max(0, storedRows - EVENTS);
    const { answers: _a, ...firstStats } = first;
    const { answers: _b, ...replayStats } = replay;
    return {
      provider,
      events: EVENTS,
      gatewayCpuSeconds,
      eventsPerGatewayCpuSecond: EVENTS / gatewayCpuSeconds,
      first: firstStats,
      replay: replayStats,
      duplicates,
      lost: Math.max(0, EVENTS - storedRows),
      storedRows,
      rewardedImpressions: await database.rewardedImpressions(),
    };
  } finally {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway!.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
    await database.drop();
  }
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const results: EngineResult[] = [];
  for (const provider of args.providers!.split(',') as Provider[]) {
    process.stderr.write(`${provider}: ${EVENTS} events in batches of ${BATCH}, ${CONNECTIONS} connections ...\n`);
    const result = await runEngine(provider);
    process.stderr.write(
      `${provider}: ${Math.round(result.first.eventsPerSecond)} events/s (${Math.round(result.eventsPerGatewayCpuSecond)} per gateway CPU s), p99 ${result.first.p99Ms.toFixed(0)} ms, ${result.duplicates} duplicates, ${result.lost} lost\n`,
    );
    results.push(result);
  }
  const report = { machine, events: EVENTS, batch: BATCH, connections: CONNECTIONS, users: USERS, items: ITEMS, results };
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/ingestion.json'), `${JSON.stringify(report, null, 2)}\n`);
  const lines = [
    `ingestion benchmark: ${describeMachine(machine)}`,
    `recordFeedbackBatch, ${EVENTS} events, batches of ${BATCH}, ${CONNECTIONS} connections, ${USERS} users, ${ITEMS} items`,
    '',
    '| engine | events/s | p50 ms | p99 ms | events per gateway CPU s | retried batches | replay events/s | duplicates | lost | rewarded impressions |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.provider} | ${Math.round(r.first.eventsPerSecond)} | ${r.first.p50Ms.toFixed(1)} | ${r.first.p99Ms.toFixed(1)} | ${Math.round(r.eventsPerGatewayCpuSecond)} | ${r.first.failedAttempts} | ${Math.round(r.replay.eventsPerSecond)} | ${r.duplicates} | ${r.lost} | ${r.rewardedImpressions} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n\ngateway output: ${GATEWAY_LOG}\n`);
}

await main();
