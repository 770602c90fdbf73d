/**
 * The `train` command. With REDIS_URL it queues a train job (and with --wait follows it to
 * the end); without, it runs the same processor here, in embedded mode. Either way the
 * progress bar shows the job's percent and the last line says what happened.
 */
import { loadConfig } from '../config/index.js';
import { rgError } from '../errors.js';
import { BullJobService } from '../jobs/bull-job-service.js';
import type { JobPayloadInputs } from '../jobs/job-definitions.js';
import { jobUpdates, type JobView } from '../jobs/job-service.js';
import { openProcessorDeps } from '../jobs/processor-deps.js';
import { processTrainJob, type TrainJobResult } from '../jobs/processors/train-processor.js';
import { parseJobPayload } from '../jobs/job-definitions.js';
import { createProgressBar } from './progress-bar.js';
import { isJsonObject, parseJson } from '../json-value.js';

function parseParams(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseJson(raw);
  if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  throw rgError('RG_ERR_INVALID_INPUT', { path: '--params', reason: 'must be a JSON object, e.g. {"epochs":3}' });
}

function describe(result: TrainJobResult): string {
  const metric = result.metrics.heldOutNdcgAt10;
  return [
    `${result.strategy}: ${result.outcome}${result.versionId ? ` ${result.versionId}` : ''} (${result.reason})`,
    `backend ${result.backend}, ${(result.durationMs / 1000).toFixed(1)} s${metric !== undefined ? `, held-out nDCG@10 ${metric.toFixed(4)}` : ''}`,
  ].join('\n');
}

export async function runTrain(strategy: string, options: { wait?: boolean; force?: boolean; params?: string }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const input: JobPayloadInputs['train'] = { strategy, force: options.force ?? false, ...(options.params ? { params: parseParams(options.params) } : {}) };
  const payload = parseJobPayload('train', input);
  const bar = createProgressBar(`train ${strategy}`, 100);

  if (!config.redisUrl) {
    const deps = await openProcessorDeps(config);
    try {
      deps.registry.get(strategy);
      const result = await processTrainJob(deps, payload, { signal: new AbortController().signal, onProgress: (p) => bar.update(p.percent) });
      bar.done();
      process.stdout.write(`${describe(result)}\n`);
    } finally {
      await deps.close();
    }
    return;
  }

  const jobs = new BullJobService({ redisUrl: config.redisUrl, prefix: config.queuePrefix });
  try {
    const job = await jobs.enqueue('train', payload);
    process.stdout.write(`Queued train job ${job.id} for ${strategy} on ${config.queuePrefix}:train.\n`);
    if (!options.wait) return;
    let last: JobView = job;
    for await (const update of jobUpdates(jobs, job.id)) {
      last = update;
      if (update.progress) bar.update(update.progress.percent);
    }
    bar.done();
    if (last.state === 'failed') throw rgError('RG_ERR_JOB_FAILED', { id: job.id, queue: 'train', reason: last.failedReason ?? 'unknown' });
    process.stdout.write(`${describe(last.result as TrainJobResult)}\n`);
  } finally {
    await jobs.close();
  }
}
