/**
 * Import throughput: the full Online Retail purchases (397,924 rows, gzipped CSV) and the
 * MovieTweetings 100K ratings, each into a fresh SQLite file and a fresh PostgreSQL database
 * (created here, dropped after), then imported again to time an idempotent re-run (nothing
 * inserted). Prints the machine and date, medians over --runs, and writes
 * bench/results/import.json. The target is under 60 s per full Online Retail import.
 *
 *   npx tsx bench/import.ts                        # both datasets, both databases, 3 runs
 *   npx tsx bench/import.ts --runs 1 --providers sqlite --datasets online-retail
 *
 * PostgreSQL: RECGATE_BENCH_POSTGRES_URL (default postgres://root@127.0.0.1:5432/postgres)
 * is the admin connection used to create and drop the benchmark database.
 *
 * Wall time on a shared 2-core machine moves with the neighbours' load; CPU time of this
 * process (the importer's side: parsing, hashing, Prisma, and for SQLite the database work
 * itself) moves much less and is reported next to it, with the load average at the start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/index.js';
import { importIntoDatabase, type ImportSummary } from '../src/import/index.js';
import { datasetDirectory } from './support/datasets.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(here, 'results', 'import.json');
const POSTGRES_ADMIN_URL = process.env.RECGATE_BENCH_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

const SOURCES = {
  'online-retail': { format: 'online-retail' },
  movietweetings: { format: 'movietweetings' },
} as const;
type SourceName = keyof typeof SOURCES;
type Provider = 'sqlite' | 'postgres';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    providers: { type: 'string', default: 'sqlite,postgres' },
    datasets: { type: 'string', default: Object.keys(SOURCES).join(',') },
    'batch-size': { type: 'string', default: '5000' },
    out: { type: 'string', default: RESULTS },
  },
});
const runs = Number(args.runs);
const batchSize = Number(args['batch-size']);
const providers = args.providers.split(',') as Provider[];
const datasets = args.datasets.split(',') as SourceName[];
const directories = new Map(datasets.map((source) => [source, datasetDirectory(source)]));

interface FreshDatabase {
  readonly db: Database;
  drop(): Promise<void>;
}

async function freshDatabase(provider: Provider): Promise<FreshDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'recgate-bench-import-'));
    const db = await openDatabase(`file:${path.join(dir, 'bench.db')}`);
    return {
      db,
      async drop() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `recgate_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase(url.toString());
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

interface Timed {
  readonly summary: ImportSummary;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

async function timedImport(db: Database, source: SourceName): Promise<Timed> {
  const cpu = process.cpuUsage();
  const summary = await importIntoDatabase(db, SOURCES[source].format, directories.get(source)!, { batchSize });
  const used = process.cpuUsage(cpu);
  return { summary, seconds: summary.durationMs / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model.trim() ?? 'unknown',
  cores: cpus.length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  host: os.hostname(),
};
const date = new Date().toISOString();
const loadAverageAtStart = os.loadavg();
console.log(`# bench/import.ts  ${date}`);
console.log(`machine: ${machine.cpu} x${machine.cores}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.host}`);
console.log(`runs: ${runs}, batch size ${batchSize}, load average at start ${loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')}\n`);

const results = [];
console.log('| dataset | database | rows | import s (median) | rows/s | CPU s | re-run s (0 inserted) | runs (s) |');
console.log('|---|---|---:|---:|---:|---:|---:|---|');
for (const source of datasets) {
  for (const provider of providers) {
    const first: Timed[] = [];
    const again: Timed[] = [];
    for (let run = 0; run < runs; run++) {
      const fresh = await freshDatabase(provider);
      try {
        const imported = await timedImport(fresh.db, source);
        if (imported.summary.badRows.count > 0 || imported.summary.interactions.alreadyPresent > 0) {
          throw new Error(`unexpected import result: ${JSON.stringify(imported.summary)}`);
        }
        const repeated = await timedImport(fresh.db, source);
        if (repeated.summary.interactions.inserted !== 0) throw new Error('the re-run inserted rows');
        first.push(imported);
        again.push(repeated);
      } finally {
        await fresh.drop();
      }
    }
    const rows = first[0]!.summary.rowsRead;
    const seconds = median(first.map((t) => t.seconds));
    const entry = {
      dataset: source,
      provider,
      rows,
      inserted: first[0]!.summary.interactions.inserted,
      items: first[0]!.summary.items.created,
      users: first[0]!.summary.users.created,
      seconds,
      rowsPerSecond: rows / seconds,
      cpuSeconds: median(first.map((t) => t.cpuSeconds)),
      rerunSeconds: median(again.map((t) => t.seconds)),
      runs: first.map((t) => Number(t.seconds.toFixed(2))),
      rerunRuns: again.map((t) => Number(t.seconds.toFixed(2))),
    };
    results.push(entry);
    console.log(
      `| ${source} | ${provider} | ${rows.toLocaleString('en-US')} | ${seconds.toFixed(1)} | ${Math.round(entry.rowsPerSecond).toLocaleString('en-US')} | ` +
        `${entry.cpuSeconds.toFixed(1)} | ${entry.rerunSeconds.toFixed(1)} | ${entry.runs.join(', ')} |`,
    );
  }
}

mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(
  args.out,
  `${JSON.stringify({ bench: 'import', date, machine, loadAverageAtStart, loadAverageAtEnd: os.loadavg(), batchSize, runs, results }, null, 2)}\n`,
);
console.log(`\nwrote ${path.relative(process.cwd(), args.out)}`);
