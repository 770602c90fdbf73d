/**
 * Experiments benchmark, two numbers (docs/experiments.md#numbers):
 *
 *   npx tsx bench/experiments.ts [--requests 1500] [--rounds 5] [--impressions 1000000] [--runs 5]
 *     [--engines sqlite,postgres] [--parts serving,results]
 *
 * 1. Assignment's cost on the serving path: `recommendations` requests/s through yoga.fetch
 *    (in process, SQLite, 2,000 items, meta-policy on) with no running experiment, with one,
 *    and with ten (one namespace, ten disjoint ranges, every user in exactly one), measured
 *    in interleaved rounds of the same run; every variant is served by the meta-policy, so
 *    the serving work is the same and the difference is assignment and exposure logging.
 *    Reported: median req/s per setting and the ratios to "none" (target >= 0.97).
 * 2. Results of an experiment with N impressions (default 1,000,000; 100,000 users, two
 *    variants, 10% of slates clicked, 1% bought) on each engine: median wall time of
 *    `results` (the SQL aggregate plus the statistics) over --runs, with and without CUPED.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config/index.js';
import { openDatabase, type Database } from '../src/db/index.js';
import { ExperimentsRuntime } from '../src/experiments/experiments-runtime.js';
import { createGateway } from '../src/gateway.js';
import { describeMachine, machineInfo } from './support/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const requests = Number(arg('requests', '1500'));
const rounds = Number(arg('rounds', '5'));
const impressions = Number(arg('impressions', '1000000'));
const runs = Number(arg('runs', '5'));
const engines = arg('engines', 'sqlite,postgres').split(',');
const parts = arg('parts', 'serving,results').split(',');
const postgresAdmin = process.env.RECGATE_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const work = mkdtempSync(path.join(tmpdir(), 'recgate-bench-experiments-'));
const silent = { info() {}, warn() {}, error() {} };
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function metaVariants(weight = 0.5) {
  return [
    { key: 'control', weight, serving: { kind: 'meta-policy' } },
    { key: 'treatment', weight: 1 - weight, serving: { kind: 'meta-policy', floor: 0.1 } },
  ];
}

async function servingCost(): Promise<Record<string, number>> {
  const url = `file:${path.join(work, 'serving.db')}`;
  const db = await openDatabase(url);
  const items = Array.from({ length: 2000 }, (_, i) => ({ externalId: `item-${i}`, title: `Item ${i}`, attributes: {} }));
  await db.prisma.item.createMany({ data: items });
  await db.prisma.user.createMany({ data: Array.from({ length: 500 }, (_, i) => ({ externalId: `user-${i}`, attributes: {} })) });
  const now = Date.now();
  await db.prisma.interaction.createMany({
    data: Array.from({ length: 20_000 }, (_, i) => ({
      userId: 1 + (i % 500),
      itemId: 1 + ((i * 7919) % 2000),
      type: 'click',
      occurredAt: new Date(now - i * 60_000),
    })),
  });
  const key = (await createApiKey(db, { scopes: ['admin'], label: 'bench' })).key;
  const gateway = await createGateway(loadConfig({ DATABASE_URL: url, RECGATE_TRAIN_ON_START: 'none', RECGATE_EXPERIMENTS_REFRESH_SECONDS: '0' }), {
    db,
    refresh: false,
    log: silent,
  });
  const service = gateway.services.experiments.service;
  const body = (userId: string) =>
    JSON.stringify({
      query:
        'query($u: ID!) { recommendations(userId: $u, surface: "home", limit: 10) { impressionId strategy experiment { key variant } items { item { id } } } }',
      variables: { u: userId },
    });
  const ask = async (userId: string) => {
    const r = await gateway.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body(userId),
    });
    const json = (await r.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  };
  const setups: Record<string, number> = { none: 0, one: 1, ten: 10 };
  const rate = async (): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < requests; i++) await ask(i % 5 === 4 ? `new-${i}` : `user-${i % 500}`);
    return requests / ((performance.now() - t0) / 1000);
  };
  // Active experiments hold their surface (paused ones too) and a stopped one never restarts:
  // every round starts fresh experiments and stops them after measuring.
  const startExperiments = async (round: number, count: number): Promise<string[]> => {
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = `r${round}-${count}-${i}`;
      const namespace = count > 1 ? { namespace: { name: 'home', range: [i / count, (i + 1) / count] } } : {};
      await service.create({ key, surfaces: ['home'], ...namespace, variants: metaVariants(), control: 'control' }, 'bench');
      await service.start(key, 'bench');
      keys.push(key);
    }
    return keys;
  };
  for (let i = 0; i < 500; i++) await ask(`user-${i % 500}`); // warm-up
  const samples: Record<string, number[]> = { none: [], one: [], ten: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [name, count] of Object.entries(setups)) {
      const keys = await startExperiments(r, count);
      samples[name]!.push(await rate());
      for (const key of keys) await service.stop(key, 'bench');
      process.stderr.write(`round ${r + 1}: ${name} ${samples[name]!.at(-1)!.toFixed(0)} req/s\n`);
    }
  }
  await gateway.close();
  await db.close();
  const out = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  return { ...out, ratioOne: out.one! / out.none!, ratioTen: out.ten! / out.none! };
}

/** N impressions of one experiment phase, 10% clicked, 1% bought, inserted with the driver. */
async function fill(db: Database, n: number): Promise<void> {
  const users = 100_000;
  const start = Date.UTC(2026, 10, 1);
  await db.prisma.item.createMany({ data: Array.from({ length: 100 }, (_, i) => ({ externalId: `item-${i}`, title: `Item ${i}`, attributes: {} })) });
  const impression = (i: number) => {
    const user = i % users;
    return { id: `imp-${i}`, user: `u${user}`, userId: user + 1, variant: user % 2 === 0 ? 'control' : 'treatment', createdAt: start + i * 1000 };
  };
  const clicked = (i: number) => (i * 2654435761) % 100 < 10;
  const bought = (i: number) => (i * 2654435761) % 100 === 3;
  if (db.provider === 'sqlite') {
    const sqlite = new Sqlite(db.url.slice('file:'.length));
    const ins = sqlite.prepare(
      `INSERT INTO "Impression" ("id","userExternalId","surface","strategy","items","propensity","context","experimentKey","experimentVariant","experimentPhase","createdAt") VALUES (?,?,'home','popularity','[]',1,'{}','bench',?,1,?)`,
    );
    const user = sqlite.prepare(`INSERT INTO "User" ("id","externalId","attributes","createdAt","updatedAt") VALUES (?,?,'{}',?,?)`);
    sqlite.transaction(() => {
      for (let u = 0; u < users; u++) user.run(u + 1, `u${u}`, start, start);
    })();
    const fb = sqlite.prepare(`INSERT INTO "Interaction" ("userId","itemId","type","occurredAt","impressionId","createdAt") VALUES (?,?,?,?,?,?)`);
    const batch = sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const m = impression(i);
        ins.run(m.id, m.user, m.variant, m.createdAt);
        if (clicked(i)) fb.run(m.userId, 1 + (i % 100), 'click', m.createdAt + 5000, m.id, m.createdAt + 5000);
        if (bought(i)) fb.run(m.userId, 1 + (i % 100), 'purchase', m.createdAt + 9000, m.id, m.createdAt + 9000);
      }
    });
    for (let from = 0; from < n; from += 50_000) batch(from, Math.min(n, from + 50_000));
    sqlite.close();
    return;
  }
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '');
  await pool.query(
    `INSERT INTO "User" ("id","externalId","attributes","updatedAt") SELECT g, 'u' || (g - 1), '{}'::jsonb, now() FROM generate_series(1, $1::int) AS g`,
    [users],
  );
  await pool.query(`SELECT setval(pg_get_serial_sequence('"User"', 'id'), $1::int)`, [users]);
  for (let from = 0; from < n; from += 20_000) {
    const rows = Array.from({ length: Math.min(20_000, n - from) }, (_, k) => impression(from + k));
    await pool.query(
      `INSERT INTO "Impression" ("id","userExternalId","surface","strategy","items","propensity","context","experimentKey","experimentVariant","experimentPhase","createdAt")
       SELECT id, u, 'home', 'popularity', '[]'::jsonb, 1, '{}'::jsonb, 'bench', v, 1, t FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp(3)[]) AS x(id, u, v, t)`,
      [rows.map((r) => r.id), rows.map((r) => r.user), rows.map((r) => r.variant), rows.map((r) => iso(r.createdAt))],
    );
    const events = rows.flatMap((r, k) => {
      const i = from + k;
      return [
        ...(clicked(i) ? [[r.userId, 1 + (i % 100), 'click', iso(r.createdAt + 5000), r.id]] : []),
        ...(bought(i) ? [[r.userId, 1 + (i % 100), 'purchase', iso(r.createdAt + 9000), r.id]] : []),
      ];
    });
    await pool.query(
      `INSERT INTO "Interaction" ("userId","itemId","type","occurredAt","impressionId")
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::timestamp(3)[], $5::text[])`,
      [0, 1, 2, 3, 4].map((c) => events.map((e) => e[c])),
    );
  }
  await pool.query('ANALYZE');
  await pool.end();
}

async function resultsTime(engine: string): Promise<Record<string, number>> {
  let url: string;
  let drop = async () => {};
  if (engine === 'sqlite') url = `file:${path.join(work, 'results.db')}`;
  else {
    const name = `recgate_bench_experiments_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgresAdmin });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(postgresAdmin);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: postgresAdmin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  }
  const db = await openDatabase(url, { poolSize: 2 });
  try {
    const t0 = performance.now();
    await fill(db, impressions);
    process.stderr.write(`${engine}: ${impressions} impressions inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const config = loadConfig({ DATABASE_URL: url });
    const runtime = new ExperimentsRuntime({
      db,
      strategies: { has: () => true, names: () => ['popularity'] },
      rewards: config.metaPolicy,
      log: silent,
      refreshMs: 0,
    });
    await runtime.service.create(
      {
        key: 'bench',
        surfaces: ['home'],
        variants: [
          { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
          { key: 'treatment', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
        ],
        control: 'control',
        guardrailMetrics: ['reward_per_user'],
      },
      'bench',
    );
    await runtime.service.start('bench', 'bench');
    // The phase started before the data (so CUPED has a lookback with no events: its cost, not its gain).
    await db.prisma.experiment.update({ where: { key: 'bench' }, data: { phaseStartedAt: new Date(Date.UTC(2026, 10, 1)) } });
    // Wall time, and this process's CPU time: SQLite runs in this process, so on a loaded
    // machine its CPU time is the cost without the wait for a core (PostgreSQL's runs in the server).
    const cpu: number[] = [];
    const time = async (cuped: boolean) => {
      const samples: number[] = [];
      let users = 0;
      for (let r = 0; r < runs; r++) {
        const s = performance.now();
        const c0 = process.cpuUsage();
        const results = await runtime.results('bench', { cuped });
        const c = process.cpuUsage(c0);
        samples.push(performance.now() - s);
        if (!cuped) cpu.push((c.user + c.system) / 1000);
        users = results.totals.reduce((a, t) => a + t.users, 0);
        if (results.totals.reduce((a, t) => a + t.impressions, 0) !== impressions) throw new Error('impressions missing from the results');
      }
      return { ms: median(samples), users };
    };
    const plain = await time(false);
    const cuped = await time(true);
    await runtime.close();
    return { impressions, users: plain.users, medianMs: plain.ms, medianMsCuped: cuped.ms, medianCpuMs: median(cpu) };
  } finally {
    await db.close();
    await drop();
  }
}

const machine = machineInfo();
const serving = parts.includes('serving') ? await servingCost() : null;
const results: Record<string, Record<string, number>> = {};
if (parts.includes('results')) for (const engine of engines) results[engine] = await resultsTime(engine);
const report = { machine, requests, rounds, serving, results };
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, `bench/results/experiments${parts.length === 1 ? `-${parts[0]}` : ''}.json`), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(
  [
    `machine: ${describeMachine(machine)}`,
    ...(serving
      ? [
          `serving (median of ${rounds} rounds x ${requests} requests): none ${serving.none!.toFixed(0)} req/s, one experiment ${serving.one!.toFixed(0)} (${serving.ratioOne!.toFixed(3)}), ten ${serving.ten!.toFixed(0)} (${serving.ratioTen!.toFixed(3)})`,
        ]
      : []),
    ...Object.entries(results).map(
      ([engine, r]) =>
        `results on ${engine}: ${r.impressions} impressions, ${r.users} users: median ${r.medianMs!.toFixed(0)} ms wall (with CUPED ${r.medianMsCuped!.toFixed(0)} ms), ${r.medianCpuMs!.toFixed(0)} ms CPU in this process, over ${runs} runs`,
    ),
  ].join('\n') + '\n',
);
