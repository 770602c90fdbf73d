/**
 * Jobs on BullMQ, measured end to end on one machine (needs Redis at REDIS_URL, default
 * redis://127.0.0.1:6379):
 *
 * - train -> serving: from `trainStrategy` (the job service a gateway uses) to every gateway
 *   (two, sharing the database and Redis) serving the promoted version (worker child
 *   process, held-out step, training, store, promotion, pub/sub, load, swap), per strategy
 *   on a MovieTweetings slice;
 * - the overhead of an empty job: enqueue -> completed for an adapt job of a user nobody has
 *   seen (validated, then nothing to adapt).
 *
 *   npx tsx bench/jobs.ts                         # popularity, category-affinity; 10,000 ratings; 3 runs
 *   npx tsx bench/jobs.ts --strategies two-tower --ratings 100000 --runs 1
 *
 * Each train run starts with no live version (the previous one is retired), so every run
 * ends in a promotion. Writes bench/results/jobs.json.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { createGateway } from '../src/gateway.js';
import { JobQueues } from '../src/jobs/job-queues.js';
import { jobUpdates, type JobView } from '../src/jobs/job-service.js';
import type { TrainJobResult } from '../src/jobs/processors/train-processor.js';
import { createRedisConnection } from '../src/redis/redis-connection.js';
import { startWorkers } from '../src/jobs/worker.js';
import { describeMachine, machineInfo, percentile } from './support/machine.js';
import { importMovieTweetingsSlice } from './support/movietweetings-slice.js';
import { deleteKeysUnder } from './support/redis-keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    strategies: { type: 'string', default: 'popularity,category-affinity' },
    ratings: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'empty-jobs': { type: 'string', default: '50' },
  },
});
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { info() {}, warn() {}, error() {} };

const work = mkdtempSync(path.join(tmpdir(), 'recgate-bench-jobs-'));
const prefix = `rgbench-${randomUUID().slice(0, 8)}`;
const env: Record<string, string> = {
  DATABASE_URL: `file:${path.join(work, 'bench.db')}`,
  REDIS_URL,
  RECGATE_QUEUE_PREFIX: prefix,
  RECGATE_MODEL_POLL_SECONDS: '0',
  RECGATE_TRAIN_ON_START: 'none',
  RECGATE_META_POLICY: 'off',
};

async function main(): Promise<void> {
  const db = await openDatabase(env.DATABASE_URL!);
  const ratings = await importMovieTweetingsSlice(db, Number(args.ratings), work);
  await db.close();

  const config = loadConfig(env);
  const gateway = await createGateway(config, { refresh: false, log: quiet });
  // A second gateway: "serving" means serving on every gateway, told by pub/sub alone.
  const other = await createGateway(config, { refresh: false, log: quiet });
  const gateways = [gateway, other];
  const worker = await startWorkers({ config, env: { ...process.env, ...env }, queues: ['train', 'adapt'], log: quiet });
  const results: Record<string, unknown>[] = [];
  try {
    for (const strategy of args.strategies!.split(',')) {
      for (let run = 0; run < Number(args.runs); run++) {
        const live = await gateway.services.modelStore.getLive(strategy);
        if (live) await gateway.services.modelStore.retire(live.id);
        const start = performance.now();
        const job = await gateway.services.jobs.enqueue('train', { strategy, force: true });
        let last: JobView = job;
        for await (const update of jobUpdates(gateway.services.jobs, job.id)) last = update;
        const completed = performance.now();
        const result = last.result as TrainJobResult;
        if (last.state !== 'completed' || result.outcome !== 'promoted') throw new Error(`run ${run} of ${strategy}: ${last.failedReason ?? result.outcome}`);
        while (gateways.some((g) => g.services.models.get(strategy)?.version !== result.versionId)) await new Promise((r) => setTimeout(r, 2));
        const serving = performance.now();
        results.push({
          strategy,
          run,
          toCompletedMs: Math.round(completed - start),
          toServingMs: Math.round(serving - start),
          processorMs: result.durationMs,
          backend: result.backend,
          heldOutNdcgAt10: result.metrics.heldOutNdcgAt10,
        });
        process.stderr.write(`${strategy} run ${run}: ${Math.round(serving - start)} ms to serving\n`);
      }
    }

    // The empty job: an adapt job for an unknown user (validated, one user look-up, nothing to
    // adapt; no child process), measured enqueue -> completed.
    const connection = createRedisConnection(REDIS_URL);
    const queues = new JobQueues({ connection, prefix });
    const eventsConnection = createRedisConnection(REDIS_URL);
    const events = new QueueEvents('adapt', { connection: eventsConnection, prefix });
    await events.waitUntilReady();
    const empty: number[] = [];
    for (let i = 0; i < Number(args['empty-jobs']); i++) {
      const start = performance.now();
      const job = await queues.add('adapt', { userId: `bench-${i}` });
      await job.waitUntilFinished(events, 10_000);
      empty.push(performance.now() - start);
    }
    await events.close();
    await queues.close();
    // Connections handed to BullMQ are not closed by it: left open, they keep the bench alive.
    connection.disconnect();
    eventsConnection.disconnect();

    const report = {
      machine: machineInfo(),
      command: `npx tsx bench/jobs.ts --strategies ${args.strategies} --ratings ${args.ratings} --runs ${args.runs} --empty-jobs ${args['empty-jobs']}`,
      ratings,
      trainToServing: results,
      emptyJobMs: { p50: Math.round(percentile(empty, 50) * 10) / 10, p95: Math.round(percentile(empty, 95) * 10) / 10, n: empty.length },
    };
    mkdirSync(path.join(here, 'results'), { recursive: true });
    writeFileSync(path.join(here, 'results/jobs.json'), JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`${describeMachine(report.machine)}\n${report.command}\n\n`);
    process.stdout.write(
      '| strategy | run | trainStrategy -> job completed (ms) | -> serving on both gateways (ms) | in processor (ms) | backend | held-out nDCG@10 |\n|---|---|---|---|---|---|---|\n',
    );
    for (const r of results as Array<Record<string, number | string>>) {
      process.stdout.write(
        `| ${r.strategy} | ${r.run} | ${r.toCompletedMs} | ${r.toServingMs} | ${r.processorMs} | ${r.backend} | ${Number(r.heldOutNdcgAt10).toFixed(4)} |\n`,
      );
    }
    process.stdout.write(`\nEmpty job (enqueue -> completed, ${empty.length} jobs): p50 ${report.emptyJobMs.p50} ms, p95 ${report.emptyJobMs.p95} ms\n`);
  } finally {
    await worker.close();
    await other.close();
    await gateway.close();
    await deleteKeysUnder(REDIS_URL, prefix);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
