/**
 * Item-item benchmark: training time and memory of the `item-item` strategy (default params:
 * EASE up to 5,000 items, item-kNN beyond) on MovieTweetings 100k and Online Retail, and the
 * latency of `similarItems` in process on MovieTweetings: the strategy's `similar` call alone,
 * the service (policy draw, serving loop, business filter, impression logging), and the
 * GraphQL operation through yoga.fetch (no socket). Writes bench/results/item-item.json.
 *
 *   nice -n 10 npx tsx --expose-gc bench/item-item.ts [--datasets movietweetings,online-retail] [--requests 3000] [--no-service] [--out file]
 *
 * Memory: heap + array buffers retained after training (the artifact) over the baseline, and
 * the process's peak RSS after each dataset (a high-water mark: it only grows).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { createGateway } from '../src/gateway.js';
import { importIntoDatabase, loadDataset } from '../src/import/index.js';
import { similarItemsInput } from '../src/serving/input-schemas.js';
import { itemItemStrategy } from '../src/strategies/builtin/item-item/index.js';
import { createCatalogView } from '../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../src/strategies/params.js';
import { createInMemoryTrainContext } from '../src/testing/index.js';
import { createRandom } from '../src/ml/random.js';
import { datasetDirectory } from './support/datasets.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'movietweetings,online-retail' },
    requests: { type: 'string', default: '3000' },
    /** Skip similarItems through the gateway (MovieTweetings in SQLite). */
    'no-service': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results', 'item-item.json') },
  },
});
const requests = Number(args.requests);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const retained = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const silentLog = { info() {}, warn() {} };

interface TrainingRow {
  dataset: string;
  items: number;
  users: number;
  interactions: number;
  method: string;
  trainSeconds: number;
  artifactMiB: number;
  retainedMiB: number;
  peakRssMiB: number;
  similarCallP50Ms: number;
  similarCallP99Ms: number;
}

const rows: TrainingRow[] = [];
for (const name of args.datasets!.split(',') as ('movietweetings' | 'online-retail')[]) {
  const data = await loadDataset(name, datasetDirectory(name));
  const params = parseStrategyParams(itemItemStrategy, {});
  const before = retained();
  const t0 = performance.now();
  const result = await itemItemStrategy.train(createInMemoryTrainContext({ params, interactions: data.interactions, items: data.items, now: Date.now() }));
  const trainSeconds = (performance.now() - t0) / 1000;
  const retainedBytes = retained() - before;
  const artifactBytes = Object.values(result.artifact.arrays).reduce((s, a) => s + a.byteLength, 0);
  const catalog = createCatalogView(data.items);
  const model = await itemItemStrategy.load(result.artifact, { params, catalog, log: silentLog });
  const ids = (result.artifact.json as { itemIds: string[] }).itemIds;
  const random = createRandom(42);
  const times: number[] = [];
  for (let i = 0; i < requests + 500; i++) {
    const asked = [ids[Math.floor(random.next() * ids.length)]!];
    const t = performance.now();
    await itemItemStrategy.similar!(model, asked, 10, { exclude: new Set(), catalog });
    if (i >= 500) times.push(performance.now() - t); // the first 500 warm up
  }
  rows.push({
    dataset: name,
    items: result.metrics.items!,
    users: result.metrics.users!,
    interactions: result.metrics.interactions!,
    method: result.metrics.ease === 1 ? 'ease' : 'knn',
    trainSeconds: Math.round(trainSeconds * 100) / 100,
    artifactMiB: mib(artifactBytes),
    retainedMiB: mib(retainedBytes),
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    similarCallP50Ms: percentile(times, 50),
    similarCallP99Ms: percentile(times, 99),
  });
  process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
}

/** similarItems through the gateway on MovieTweetings in SQLite, item-item trained at start. */
async function serviceLatency(): Promise<{ serviceP50Ms: number; serviceP99Ms: number; graphqlP50Ms: number; graphqlP99Ms: number; requests: number }> {
  const work = mkdtempSync(path.join(tmpdir(), 'recgate-item-item-'));
  const url = `file:${path.join(work, 'bench.db')}`;
  const db = await openDatabase(url);
  await importIntoDatabase(db, 'movietweetings', datasetDirectory('movietweetings'));
  const key = (await createApiKey(db, { scopes: ['client'], label: 'bench' })).key;
  await db.close();
  const config = loadConfig({ DATABASE_URL: url, RECGATE_TRAIN_ON_START: 'item-item', RECGATE_META_POLICY: 'off', RECGATE_SERVING_STRATEGY: 'item-item' });
  const gateway = await createGateway(config, { log: { info() {}, warn() {}, error() {} } });
  for (let i = 0; i < 1200 && !gateway.services.models.get('item-item'); i++) await new Promise((r) => setTimeout(r, 250));
  const live = gateway.services.models.get('item-item');
  if (!live) throw new Error('item-item did not train within 5 minutes');
  const ids = gateway.services.catalogCache.view.active.map((i) => i.id);
  const random = createRandom(7);
  const pick = (): string => ids[Math.floor(random.next() * ids.length)]!;
  const service: number[] = [];
  for (let i = 0; i < requests + 500; i++) {
    const input = similarItemsInput.parse({ itemIds: [pick()], limit: 10 });
    const t = performance.now();
    await gateway.services.recommend.similarItems(input);
    if (i >= 500) service.push(performance.now() - t);
  }
  const graphql: number[] = [];
  const query = 'query($ids: [ID!]!) { similarItems(itemIds: $ids, limit: 10) { impressionId strategy items { item { id title } score explanation } } }';
  for (let i = 0; i < requests + 500; i++) {
    const body = JSON.stringify({ query, variables: { ids: [pick()] } });
    const t = performance.now();
    const r = await gateway.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });
    const json = (await r.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    if (i >= 500) graphql.push(performance.now() - t);
  }
  await gateway.close();
  return {
    serviceP50Ms: percentile(service, 50),
    serviceP99Ms: percentile(service, 99),
    graphqlP50Ms: percentile(graphql, 50),
    graphqlP99Ms: percentile(graphql, 99),
    requests,
  };
}

const latency = args['no-service'] ? null : await serviceLatency();
const machine = machineInfo();
console.log(`Machine: ${describeMachine(machine)}\n`);
console.log('| dataset | items | method | training s | artifact MiB | retained MiB | peak RSS MiB | similar() p50 / p99 ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.dataset} | ${r.items} | ${r.method} | ${r.trainSeconds} | ${r.artifactMiB} | ${r.retainedMiB} | ${r.peakRssMiB} | ${r.similarCallP50Ms.toFixed(3)} / ${r.similarCallP99Ms.toFixed(3)} |`,
  );
}
if (latency)
  console.log(
    `\nsimilarItems on MovieTweetings, in process: service p50 ${latency.serviceP50Ms.toFixed(3)} ms (p99 ${latency.serviceP99Ms.toFixed(3)}), GraphQL via yoga.fetch p50 ${latency.graphqlP50Ms.toFixed(3)} ms (p99 ${latency.graphqlP99Ms.toFixed(3)}), ${latency.requests} requests each`,
  );
mkdirSync(path.dirname(args.out!), { recursive: true });
writeFileSync(
  args.out!,
  `${JSON.stringify({ date: new Date().toISOString(), command: `npx tsx --expose-gc bench/item-item.ts ${process.argv.slice(2).join(' ')}`.trimEnd(), machine, training: rows, latency }, null, 2)}\n`,
);
