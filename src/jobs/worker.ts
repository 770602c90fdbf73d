/**
 * The worker entry (`npx recgate worker`): BullMQ workers for the chosen queues. Train and
 * evaluate jobs run in a child process each, so this process keeps renewing job locks while
 * a model trains; a worker killed mid-training leaves a stalled job that another worker
 * retries, and nothing half-written (artifacts are stored only once training finished).
 */
import { Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import { isRecgateError, rgError, type ErrorCode } from '../errors.js';
import type { AppLogger } from '../logger.js';
import { jobCancelChannel, publishPromotion } from '../models/promotion-channel.js';
import { runInChildProcess } from './forked-processor.js';
import { JOB_QUEUES, type JobQueueName } from './job-definitions.js';
import { startQueueWorker, type JobProcessors, type QueueWorker } from './job-processors.js';
import type { EvaluateJobResult } from './processors/evaluate-processor.js';
import { createRedisConnection, requireRedisUrl } from '../redis/redis-connection.js';
import { commitTrainJob, type FitOutcome } from './processors/train-processor.js';
import { openProcessorDeps } from './processor-deps.js';
import { syncTrainSchedules } from './train-schedules.js';
import { startWorkerAdaptation, type WorkerAdaptation } from '../adaptation/worker-adaptation.js';

/** Failures that fail the same way on every attempt: retrying would only waste a worker. */
const UNRECOVERABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RG_ERR_JOB_PAYLOAD',
  'RG_ERR_STRATEGY_UNKNOWN',
  'RG_ERR_STRATEGY_PARAMS',
  'RG_ERR_MODEL_VERSION_UNKNOWN',
  'RG_ERR_INVALID_INPUT',
  'RG_ERR_TRAINING_ABORTED',
  'RG_ERR_EVAL_NO_DATA',
]);

export interface StartWorkersOptions {
  readonly config: Config;
  /** Environment of the child processes that train. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default all of JOB_QUEUES */
  readonly queues?: readonly JobQueueName[];
  /** Jobs each queue's worker runs at once. @default 1 */
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal; a dead worker's job is retried after it. @default 30000 */
  readonly lockDurationMs?: number;
  /** How often stalled jobs (of dead workers) are looked for. @default 30000 */
  readonly stalledIntervalMs?: number;
  readonly log: AppLogger;
}

export interface RunningWorkers {
  readonly workers: ReadonlyMap<JobQueueName, QueueWorker<JobQueueName>>;
  close(): Promise<void>;
}

function toJobError(error: unknown): Error {
  if (isRecgateError(error) && UNRECOVERABLE.has(error.code)) return new UnrecoverableError(`${error.code}: ${error.message}`);
  if (isRecgateError(error)) return new Error(`${error.code}: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

export async function startWorkers(options: StartWorkersOptions): Promise<RunningWorkers> {
  const { config, log } = options;
  const redisUrl = requireRedisUrl(config.redisUrl, 'npx recgate worker');
  const connection: Redis = createRedisConnection(redisUrl, { connectionName: 'recgate-worker' });
  const publisher: Redis = createRedisConnection(redisUrl, { connectionName: 'recgate-worker-publisher' });
  for (const c of [connection, publisher]) c.on('error', (error: Error) => log.warn('redis connection error; reconnecting', { error: error.message }));
  const queues = options.queues ?? JOB_QUEUES;
  const env = options.env ?? process.env;
  // The worker itself stores what its children fitted: it holds the job's lock, so a worker
  // that dies before this point has written nothing.
  const deps = await openProcessorDeps(config);
  const unknown = config.trainSchedules.find((s) => !deps.registry.has(s.strategy));
  if (unknown) {
    await deps.close();
    connection.disconnect();
    publisher.disconnect();
    throw rgError('RG_ERR_CONFIG', {
      reason: `RECGATE_TRAIN_SCHEDULE names unknown strategy "${unknown.strategy}" (known: ${deps.registry.names().join(', ')})`,
    });
  }
  // Adapt jobs run here, not in a child: each is milliseconds, against models loaded once.
  const adaptation: WorkerAdaptation | null = queues.includes('adapt')
    ? await startWorkerAdaptation({ config, redisUrl, db: deps.db, registry: deps.registry, log })
    : null;

  const processors: JobProcessors = {
    // Train and evaluate fit in a child process; the worker stores what the child fitted.
    train: async (payload, run) => {
      const fit = await runInChildProcess<FitOutcome>('train', payload, { ...run, env });
      const result = fit.kind === 'skipped' ? fit.result : await commitTrainJob(deps, fit.candidate, run);
      log.info('train job done', {
        job: run.jobId,
        strategy: result.strategy,
        outcome: result.outcome,
        version: result.versionId,
        backend: result.backend,
        reason: result.reason,
      });
      if (result.outcome === 'promoted' && result.versionId) {
        await publishPromotion(publisher, config.queuePrefix, { strategy: result.strategy, versionId: result.versionId });
      }
      return result;
    },
    evaluate: (payload, run) => runInChildProcess<EvaluateJobResult>('evaluate', payload, { ...run, env }),
    adapt: async (payload) => {
      if (!adaptation) throw rgError('RG_ERR_CONFIG', { reason: 'this worker does not run the adapt queue' });
      return adaptation.adapt(payload.userId);
    },
  };

  const workerOptions = {
    connection,
    prefix: config.queuePrefix,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    toJobError,
  };
  const start = <Q extends JobQueueName>(queue: Q): QueueWorker<Q> => startQueueWorker(queue, processors[queue], workerOptions);
  const workers = new Map<JobQueueName, QueueWorker<JobQueueName>>();
  for (const queue of queues) {
    const worker = start(queue);
    worker.on('error', (error) => log.warn('worker error', { queue, error: error.message }));
    worker.on('failed', (job, error) => log.warn('job failed', { queue, job: job?.id, attempt: job?.attemptsMade, error: error.message }));
    workers.set(queue, worker);
  }
  await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));
  // Every train worker registers the schedules; upserts by a stable id make that idempotent.
  // Again after each reconnect: a Redis that restarted without its data has lost them.
  const registerSchedules = async (): Promise<void> => {
    if (!queues.includes('train')) return;
    const trainQueue = new Queue('train', { connection, prefix: config.queuePrefix });
    try {
      const schedules = await syncTrainSchedules(trainQueue, config.trainSchedules);
      if (schedules.length > 0)
        log.info('train schedules registered', { schedules: schedules.map((s) => `${s.strategy}=${s.pattern ?? `every ${s.everyMs} ms`}`) });
    } finally {
      await trainQueue.close();
    }
  };
  await registerSchedules();
  const onReconnect = (): void => {
    registerSchedules().catch((error: unknown) => log.warn('registering train schedules failed', { error: String(error) }));
  };
  connection.on('ready', onReconnect);
  const cancels: Redis = createRedisConnection(redisUrl, { connectionName: 'recgate-worker-cancels' });
  cancels.on('error', () => {}); // the other connections report outages
  cancels.on('message', (_channel: string, jobId: string) => {
    for (const worker of workers.values()) if (worker.cancelJob(jobId, 'cancelled by cancelJob')) log.info('job cancelled', { job: jobId });
  });
  await cancels.subscribe(jobCancelChannel(config.queuePrefix));
  log.info('worker started', { queues, concurrency: options.concurrency ?? 1, prefix: config.queuePrefix });
  return {
    workers,
    async close() {
      connection.off('ready', onReconnect);
      await Promise.all([...workers.values()].map((w) => w.close()));
      await adaptation?.close();
      await deps.close();
      connection.disconnect();
      publisher.disconnect();
      cancels.disconnect();
    },
  };
}
