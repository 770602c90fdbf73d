/**
 * Serving benchmark: `recommendations` with popularity over the MovieTweetings catalogue.
 *
 *   npx tsx bench/serving.ts [--duration 10] [--connections 10] [--db file:/tmp/recgate-bench.db]
 *
 * 1. In-process latency (yoga.fetch, no socket) p50/p99 over known and unknown users.
 * 2. Over HTTP with autocannon (10 connections, 10 s each), in one run, three servers:
 *    a bare node:http server returning a fixed JSON body of the same size (the ceiling), a
 *    minimal graphql-yoga server whose resolver returns a constant slate of the same shape
 *    (the cost of GraphQL alone), and recgate with authentication and impression logging on.
 *    Reports requests/s, p50/p99, and recgate's ratios to both references.
 * Each server runs in its own process; autocannon runs in this one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { importIntoDatabase } from '../src/import/index.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { createGateway } from '../src/gateway.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const duration = Number(arg('duration', '10'));
const connections = Number(arg('connections', '10'));
const work = mkdtempSync(path.join(tmpdir(), 'recgate-bench-'));
const databaseUrl = arg('db', `file:${path.join(work, 'bench.db')}`);

// Frontends send one operation with variables; so does the benchmark.
const QUERY =
  'query Slate($userId: ID!) { recommendations(userId: $userId, limit: 10) { impressionId strategy propensity items { item { id title categories } score position explanation } } }';
const bodyFor = (userId: string) => JSON.stringify({ query: QUERY, variables: { userId } });

async function prepare(): Promise<{ key: string; users: string[] }> {
  const db = await openDatabase(databaseUrl);
  try {
    if ((await db.prisma.interaction.count()) === 0) {
      process.stderr.write('importing MovieTweetings ...\n');
      await importIntoDatabase(db, 'movietweetings', path.join(root, 'data/movietweetings-100k'));
    }
    const key = (await createApiKey(db, { scopes: ['client'], label: 'bench' })).key;
    const users = (await db.prisma.user.findMany({ take: 500, orderBy: { id: 'asc' }, select: { externalId: true } })).map((u) => u.externalId);
    return { key, users };
  } finally {
    await db.close();
  }
}

async function inProcess(key: string, users: string[]): Promise<{ p50: number; p99: number; requests: number }> {
  const gateway = await createGateway(loadConfig({ DATABASE_URL: databaseUrl, RECGATE_TRAIN_ON_START: 'none' }), {
    refresh: false,
    log: { info() {}, warn() {}, error() {} },
  });
  const ask = async (userId: string) => {
    const r = await gateway.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: bodyFor(userId),
    });
    const json = (await r.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  };
  for (let i = 0; i < 1000; i++) await ask(users[i % users.length]!); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const userId = i % 4 === 3 ? `new-user-${i}` : users[i % users.length]!;
    const t0 = performance.now();
    await ask(userId);
    times.push(performance.now() - t0);
  }
  await gateway.close();
  return { p50: percentile(times, 50), p99: percentile(times, 99), requests: times.length };
}

function startServer(command: string[], env: Record<string, string>, pattern: RegExp): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = pattern.exec(seen);
      if (m) resolve({ child, port: Number(m[1]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
}

interface HttpResult {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function load(port: number, body: string, headers: Record<string, string>): Promise<HttpResult> {
  const run = (seconds: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/graphql`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  await run(2); // warm-up
  const r = await run(duration);
  return { requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const { key, users } = await prepare();
  const local = await inProcess(key, users);

  // The reference bodies are recgate's own answer for the same request, so sizes match.
  const gateway = await createGateway(loadConfig({ DATABASE_URL: databaseUrl, RECGATE_TRAIN_ON_START: 'none' }), {
    refresh: false,
    log: { info() {}, warn() {}, error() {} },
  });
  const sample = await (
    await gateway.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: bodyFor(users[0]!),
    })
  ).text();
  await gateway.close();
  const bodyFile = path.join(work, 'body.json');
  const slateFile = path.join(work, 'slate.json');
  writeFileSync(bodyFile, sample);
  writeFileSync(slateFile, JSON.stringify(JSON.parse(sample).data.recommendations));

  const tsx = ['--import', 'tsx'];
  const results: Record<string, HttpResult> = {};
  const servers: Array<[string, string[], Record<string, string>, RegExp, Record<string, string>]> = [
    ['bare node:http', [...tsx, 'bench/servers/bare-http.ts'], { BODY_FILE: bodyFile }, /LISTENING (\d+)/, {}],
    ['minimal graphql-yoga', [...tsx, 'bench/servers/minimal-yoga.ts'], { SLATE_FILE: slateFile }, /LISTENING (\d+)/, {}],
    [
      'recgate (auth + impression log)',
      ['bin/recgate.mjs', 'serve', '--port', '0'],
      { DATABASE_URL: databaseUrl, RECGATE_TRAIN_ON_START: 'none' },
      /127\.0\.0\.1:(\d+)\/graphql/,
      { authorization: `Bearer ${key}` },
    ],
  ];
  for (const [name, command, env, pattern, headers] of servers) {
    const { child, port } = await startServer(command, env, pattern);
    try {
      results[name] = await load(port, bodyFor(users[0]!), headers);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  const rg = results['recgate (auth + impression log)']!;
  const ratios = {
    toMinimalYoga: rg.requestsPerSecond / results['minimal graphql-yoga']!.requestsPerSecond,
    toBareHttp: rg.requestsPerSecond / results['bare node:http']!.requestsPerSecond,
  };

  const report = {
    machine,
    databaseUrl: databaseUrl.replace(work, '<tmp>'),
    responseBytes: sample.length,
    inProcess: local,
    http: results,
    ratios,
    duration,
    connections,
  };
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/serving.json'), `${JSON.stringify(report, null, 2)}\n`);

  const lines = [
    `serving benchmark: ${describeMachine(machine)}`,
    `response body ${sample.length} bytes; autocannon ${connections} connections, ${duration} s per server`,
    '',
    `in-process (yoga.fetch), ${local.requests} requests: p50 ${local.p50.toFixed(2)} ms, p99 ${local.p99.toFixed(2)} ms`,
    '',
    '| server | requests/s | p50 ms | p99 ms | non-2xx |',
    '|---|---|---|---|---|',
    ...Object.entries(results).map(([n, r]) => `| ${n} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} |`),
    '',
    `recgate / minimal yoga: ${ratios.toMinimalYoga.toFixed(2)}   recgate / bare node:http: ${ratios.toBareHttp.toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
