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
import { DEFAULT_SEARCH_BUDGET_SECONDS, parseSearchBudget } from '../config/search-budget.js';
import { createProgressBar } from './progress-bar.js';
import { isJsonObject, parseJson } from '../json-value.js';

function parseParams(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseJson(raw);
  if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  throw rgError('RG_ERR_INVALID_INPUT', { path: '--params', reason: 'must be a JSON object, e.g. {"epochs":3}' });
}

function describeSearch(m: Readonly<Record<string, number>>): string {
  const best = m.searchBestValidationNdcgAt10;
  const base = m.searchDefaultValidationNdcgAt10;
  const gain = best !== undefined && base !== undefined && base > 0 ? ` (${(best / base).toFixed(2)}x the configured params' ${base.toFixed(4)})` : '';
  return `search: ${m.searchTrials} trials in ${m.searchSeconds?.toFixed(0)} s of ${m.searchBudgetSeconds} s, best validation nDCG@10 ${best?.toFixed(4) ?? 'none'}${gain}`;
}

function describe(result: TrainJobResult): string {
  const metric = result.metrics.heldOutNdcgAt10;
  return [
    `${result.strategy}: ${result.outcome}${result.versionId ? ` ${result.versionId}` : ''} (${result.reason})`,
    `backend ${result.backend}, ${(result.durationMs / 1000).toFixed(1)} s${metric !== undefined ? `, held-out nDCG@10 ${metric.toFixed(4)}` : ''}`,
    ...(result.metrics.searchTrials !== undefined ? [describeSearch(result.metrics)] : []),
  ].join('\n');
}

export interface TrainCommandOptions {
  readonly wait?: boolean;
  readonly force?: boolean;
  readonly params?: string;
  readonly search?: boolean;
  /** A search budget like `10m`; implies `search`. */
  readonly budget?: string;
  /** Most trials of the search; implies `search`. */
  readonly trials?: string;
}

export async function runTrain(strategy: string, options: TrainCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const searching = options.search === true || options.budget !== undefined || options.trials !== undefined;
  const budgetSeconds = options.budget !== undefined ? parseSearchBudget(options.budget, '--budget') : searching ? DEFAULT_SEARCH_BUDGET_SECONDS : null;
  const maxTrials = options.trials === undefined ? undefined : Number(options.trials);
  if (maxTrials !== undefined && !(Number.isInteger(maxTrials) && maxTrials >= 1)) {
    throw rgError('RG_ERR_INVALID_INPUT', { path: '--trials', reason: `"${options.trials}" is not a whole number of trials of at least 1` });
  }
  const input: JobPayloadInputs['train'] = {
    strategy,
    force: options.force ?? false,
    ...(options.params ? { params: parseParams(options.params) } : {}),
    ...(budgetSeconds !== null ? { search: { budgetSeconds, ...(maxTrials !== undefined ? { maxTrials } : {}) } } : {}),
  };
  const payload = parseJobPayload('train', input);
  const bar = createProgressBar(`train ${strategy}`, 100);
  // Each search trial is a line of its own (the bar shows only the percent).
  let lastPhase = '';
  const showPhase = (phase: string | undefined): void => {
    if (!phase || phase === lastPhase) return;
    lastPhase = phase;
    if (phase.startsWith('search: ')) process.stdout.write(`${phase.slice('search: '.length)}\n`);
  };

  if (!config.redisUrl) {
    const deps = await openProcessorDeps(config);
    try {
      deps.registry.get(strategy);
      const result = await processTrainJob(deps, payload, {
        signal: new AbortController().signal,
        onProgress: (p) => {
          showPhase(p.phase);
          bar.update(p.percent);
        },
      });
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
      if (update.progress) {
        showPhase(update.progress.phase);
        bar.update(update.progress.percent);
      }
    }
    bar.done();
    if (last.state === 'failed') throw rgError('RG_ERR_JOB_FAILED', { id: job.id, queue: 'train', reason: last.failedReason ?? 'unknown' });
    process.stdout.write(`${describe(last.result as TrainJobResult)}\n`);
  } finally {
    await jobs.close();
  }
}
