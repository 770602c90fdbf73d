/**
 * From `recordFeedback` to a slate that reflects it through the user's adaptation, measured
 * end to end with Redis (REDIS_URL, default redis://127.0.0.1:6379): a gateway (in this
 * process, queried through its GraphQL endpoint), one `npx recgate worker --queues adapt`
 * child process, the live two-tower model trained on MovieTweetings.
 *
 * Per user: ask for a slate, click its first item, then ask again every `--poll-ms` until a
 * slate's `adaptation.historyThrough` covers the click. The time includes the debounce
 * window (RECGATE_ADAPT_DEBOUNCE_MS), the queue, the worker's adapt job and the Redis write.
 * Also reported: how much the adapted slate differs from the one served right after the
 * click (same history, no adaptation yet).
 *
 *   npx tsx bench/adaptation.ts                                  # 100,000 ratings, 60 known + 20 new users, adaptSteps 5
 *   npx tsx bench/adaptation.ts --debounce-ms 0 --users 40 --new-users 10
 *
 * Writes bench/results/adaptation.json (`--out` to write elsewhere).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { createGateway, type Gateway } from '../src/gateway.js';
import { parseJobPayload } from '../src/jobs/job-definitions.js';
import { openProcessorDeps } from '../src/jobs/processor-deps.js';
import { processTrainJob } from '../src/jobs/processors/train-processor.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';
import { importMovieTweetingsSlice } from './support/movietweetings-slice.js';
import { deleteKeysUnder } from './support/redis-keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    ratings: { type: 'string', default: '100000' },
    users: { type: 'string', default: '60' },
    'new-users': { type: 'string', default: '20' },
    'debounce-ms': { type: 'string', default: '250' },
    'poll-ms': { type: 'string', default: '5' },
    // Two-tower's adaptation is off by default; the bench measures it switched on.
    'adapt-steps': { type: 'string', default: '5' },
    out: { type: 'string', default: path.join(path.dirname(fileURLToPath(import.meta.url)), 'results/adaptation.json') },
  },
});
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const work = mkdtempSync(path.join(tmpdir(), 'recgate-bench-adapt-'));
const prefix = `rgbench-${randomUUID().slice(0, 8)}`;
const env: Record<string, string> = {
  DATABASE_URL: `file:${path.join(work, 'bench.db')}`,
  REDIS_URL,
  RECGATE_QUEUE_PREFIX: prefix,
  RECGATE_TRAIN_ON_START: 'none',
  RECGATE_META_POLICY: 'off',
  RECGATE_SERVING_STRATEGY: 'two-tower',
  RECGATE_ADAPT_DEBOUNCE_MS: args['debounce-ms']!,
  RECGATE_STRATEGY_PARAMS: JSON.stringify({ 'two-tower': { adaptSteps: Number(args['adapt-steps']) } }),
};

interface SlateView {
  items: Array<{ item: { id: string } }>;
  adaptation: { historyThrough: string | null } | null;
}

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(here, '../bin/recgate.mjs'), 'worker', '--queues', 'adapt'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    // The worker logs JSON lines on stderr.
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker started')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${out}`)));
  });
}

async function main(): Promise<void> {
  const db = await openDatabase(env.DATABASE_URL!);
  const ratings = await importMovieTweetingsSlice(db, Number(args.ratings), work);
  const key = (await createApiKey(db, { scopes: ['client'], label: 'bench' })).key;
  const config = loadConfig(env);
  process.stderr.write('training two-tower...\n');
  const deps = await openProcessorDeps(config, { db });
  const trained = await processTrainJob(deps, parseJobPayload('train', { strategy: 'two-tower' }), {
    signal: new AbortController().signal,
    onProgress: () => {},
  });
  await deps.close();
  const knownUsers = (await db.prisma.user.findMany({ select: { externalId: true }, orderBy: { id: 'asc' } })).map((u) => u.externalId);
  await db.close();

  const gateway: Gateway = await createGateway(config, { refresh: false, log: quiet });
  const worker = await startWorker();
  const gql = async (query: string, variables: Record<string, unknown>): Promise<Record<string, any>> => {
    const response = await gateway.yoga.fetch('http://recgate.bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  const slate = async (userId: string): Promise<SlateView> =>
    (await gql('query($u: ID!) { recommendations(userId: $u, limit: 10) { items { item { id } } adaptation { historyThrough } } }', { u: userId }))
      .recommendations as SlateView;

  // Users spread over the whole id range, then users the gateway has never seen.
  const step = Math.max(1, Math.floor(knownUsers.length / Number(args.users)));
  const users = [
    ...knownUsers
      .filter((_, i) => i % step === 0)
      .slice(0, Number(args.users))
      .map((id) => ({ id, kind: 'known' as const })),
    ...Array.from({ length: Number(args['new-users']) }, (_, i) => ({ id: `bench-new-${i}`, kind: 'new' as const })),
  ];
  const samples: Array<{ kind: string; ms: number; overlapWithUnadapted: number }> = [];
  try {
    // Warm the serving path (wasm kernels, the compiled query) before measuring.
    for (let i = 0; i < 200; i++) await slate(knownUsers[i % knownUsers.length]!);
    for (const user of users) {
      const first = await slate(user.id);
      const clicked = first.items[0]!.item.id;
      const start = performance.now();
      const stored = await gql('mutation($u: ID!, $i: ID!) { recordFeedback(input: { userId: $u, itemId: $i, type: CLICK }) { occurredAt } }', {
        u: user.id,
        i: clicked,
      });
      const at = new Date(stored.recordFeedback.occurredAt as string);
      const unadapted = await slate(user.id);
      let adapted: SlateView | null = null;
      while (!adapted) {
        const s = await slate(user.id);
        if (s.adaptation?.historyThrough && new Date(s.adaptation.historyThrough) >= at) adapted = s;
        else if (performance.now() - start > 30_000) throw new Error(`no adapted slate for ${user.id} after 30 s`);
        else await sleep(Number(args['poll-ms']));
      }
      const ms = performance.now() - start;
      const before = new Set(unadapted.items.map((i) => i.item.id));
      const overlap = adapted.items.filter((i) => before.has(i.item.id)).length / Math.max(1, adapted.items.length);
      samples.push({ kind: user.kind, ms, overlapWithUnadapted: overlap });
      process.stderr.write(`${user.kind} ${user.id}: ${Math.round(ms)} ms\n`);
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await gateway.close();
  }

  const summary = (kind?: string) => {
    const chosen = samples.filter((s) => !kind || s.kind === kind);
    const ms = chosen.map((s) => s.ms);
    return {
      n: chosen.length,
      p50Ms: Math.round(percentile(ms, 50)),
      p95Ms: Math.round(percentile(ms, 95)),
      maxMs: Math.round(Math.max(...ms)),
      meanOverlapWithUnadapted: Math.round((chosen.reduce((a, s) => a + s.overlapWithUnadapted, 0) / Math.max(1, chosen.length)) * 1000) / 1000,
    };
  };
  const report = {
    machine: machineInfo(),
    command: `npx tsx bench/adaptation.ts --ratings ${args.ratings} --users ${args.users} --new-users ${args['new-users']} --debounce-ms ${args['debounce-ms']} --poll-ms ${args['poll-ms']} --adapt-steps ${args['adapt-steps']}${args.out!.endsWith('results/adaptation.json') ? '' : ` --out ${path.relative(process.cwd(), args.out!)}`}`,
    ratings,
    model: { version: trained.versionId, backend: trained.backend, heldOutNdcgAt10: trained.metrics.heldOutNdcgAt10 },
    debounceMs: Number(args['debounce-ms']),
    all: summary(),
    knownUsers: summary('known'),
    newUsers: summary('new'),
  };
  mkdirSync(path.dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`${describeMachine(report.machine)}\n${report.command}\n\n`);
  process.stdout.write(
    '| users | n | recordFeedback -> adapted slate p50 (ms) | p95 (ms) | max (ms) | share of the adapted slate already in the unadapted one |\n|---|---|---|---|---|---|\n',
  );
  for (const [label, s] of [
    ['all', report.all],
    ['known', report.knownUsers],
    ['new', report.newUsers],
  ] as const) {
    process.stdout.write(`| ${label} | ${s.n} | ${s.p50Ms} | ${s.p95Ms} | ${s.maxMs} | ${s.meanOverlapWithUnadapted} |\n`);
  }
}

try {
  await main();
} finally {
  await deleteKeysUnder(REDIS_URL, prefix);
  rmSync(work, { recursive: true, force: true });
}
