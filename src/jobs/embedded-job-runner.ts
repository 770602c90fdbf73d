/**
 * Embedded mode (no REDIS_URL): the same processors run inside the gateway, one job at a
 * time, with the same progress reporting, so `npx recgate demo` needs no Redis. Jobs live
 * in memory only (the most recent ones are kept for the API). Adapt jobs have a lane of
 * their own, so a user's adaptation (milliseconds) never waits behind a model's training.
 */
import { randomUUID } from 'node:crypto';
import { isRecgateError, rgError } from '../errors.js';
import type { ScheduleView } from './train-schedules.js';
import type { Logger } from '../strategies/contract.js';
import type { AdaptJobResult } from '../adaptation/adapt-user.js';
import { parseJobPayload, type JobPayloadInputs, type JobPayloads, type JobProgress, type JobQueueName } from './job-definitions.js';
import type { JobService, JobView, ListJobsOptions } from './job-service.js';
import { processEvaluateJob } from './processors/evaluate-processor.js';
import { processTrainJob, type TrainProcessorDeps } from './processors/train-processor.js';

/** Finished jobs kept for `jobs` / `job(id)`. */
const KEEP_FINISHED = 200;

interface EmbeddedJob {
  view: JobView;
  readonly controller: AbortController;
}

export interface EmbeddedJobRunnerDeps extends TrainProcessorDeps {
  readonly log: Logger;
  /** Adapts one user with this gateway's live models. @default none: adapt jobs adapt nothing */
  readonly adapt?: (userId: string) => Promise<AdaptJobResult>;
  /** @default 250 */
  readonly adaptDebounceMs?: number;
}

export class EmbeddedJobRunner implements JobService {
  readonly mode = 'embedded' as const;
  readonly #jobs = new Map<string, EmbeddedJob>();
  readonly #listeners = new Map<string, Set<(job: JobView) => void>>();
  #chain: Promise<void> = Promise.resolve();
  #adaptChain: Promise<void> = Promise.resolve();
  readonly #adaptTimers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(private readonly deps: EmbeddedJobRunnerDeps) {}

  async enqueue<Q extends JobQueueName>(queue: Q, input: JobPayloadInputs[Q]): Promise<JobView> {
    const payload = parseJobPayload(queue, input);
    const job: EmbeddedJob = {
      view: {
        id: `embedded-${randomUUID()}`,
        queue,
        state: 'waiting',
        progress: null,
        data: payload,
        result: null,
        failedReason: null,
        attemptsMade: 0,
        createdAt: new Date(),
        finishedAt: null,
      },
      controller: new AbortController(),
    };
    this.#jobs.set(job.view.id, job);
    this.#prune();
    if (queue === 'adapt') this.#adaptChain = this.#adaptChain.then(() => this.#run(job, queue, payload));
    else this.#chain = this.#chain.then(() => this.#run(job, queue, payload));
    return job.view;
  }

  /** Later feedback within the window pushes the job's start back, as BullMQ's debounce does. */
  async requestAdapt(userId: string): Promise<void> {
    if (this.#closed) return;
    parseJobPayload('adapt', { userId });
    const waiting = this.#adaptTimers.get(userId);
    if (waiting) clearTimeout(waiting);
    const timer = setTimeout(() => {
      this.#adaptTimers.delete(userId);
      this.enqueue('adapt', { userId }).catch((error: unknown) => this.deps.log.warn('adapt job could not start', { user: userId, error: String(error) }));
    }, this.deps.adaptDebounceMs ?? 250);
    timer.unref();
    this.#adaptTimers.set(userId, timer);
  }

  /** Settles when every job enqueued so far has finished (adapt jobs still debouncing are not enqueued yet). */
  async idle(): Promise<void> {
    await Promise.all([this.#chain, this.#adaptChain]);
  }

  async get(id: string): Promise<JobView | null> {
    return this.#jobs.get(id)?.view ?? null;
  }

  async list(options: ListJobsOptions = {}): Promise<JobView[]> {
    return [...this.#jobs.values()]
      .map((j) => j.view)
      .filter((v) => (!options.state || v.state === options.state) && (!options.queue || v.queue === options.queue))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, options.limit ?? 50);
  }

  async cancel(id: string): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!job || job.view.finishedAt) return false;
    job.controller.abort();
    return true;
  }

  /** Schedules are run by workers, once per deployment: none without Redis. */
  async schedules(): Promise<ScheduleView[]> {
    throw rgError('RG_ERR_REDIS_REQUIRED', { feature: 'Scheduled training (RECGATE_TRAIN_SCHEDULE)' });
  }

  watch(id: string, listener: (job: JobView) => void): () => void {
    let set = this.#listeners.get(id);
    if (!set) this.#listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(id);
    };
  }

  #update(job: EmbeddedJob, change: Partial<JobView>): void {
    job.view = Object.freeze({ ...job.view, ...change });
    for (const listener of this.#listeners.get(job.view.id) ?? []) listener(job.view);
  }

  async #run<Q extends JobQueueName>(job: EmbeddedJob, queue: Q, payload: JobPayloads[Q]): Promise<void> {
    if (this.#closed) {
      this.#update(job, { state: 'failed', failedReason: 'the gateway closed before the job ran', finishedAt: new Date() });
      return;
    }
    if (job.controller.signal.aborted) {
      this.#update(job, { state: 'failed', failedReason: 'cancelled before it started', finishedAt: new Date() });
      return;
    }
    this.#update(job, { state: 'active', attemptsMade: 1 });
    const run = {
      signal: job.controller.signal,
      onProgress: (progress: JobProgress) => this.#update(job, { progress }),
    };
    try {
      const result =
        queue === 'train'
          ? await processTrainJob(this.deps, payload as JobPayloads['train'], run)
          : queue === 'evaluate'
            ? await processEvaluateJob(this.deps, payload as JobPayloads['evaluate'], run)
            : await this.#adapt((payload as JobPayloads['adapt']).userId);
      this.#update(job, { state: 'completed', result, finishedAt: new Date() });
    } catch (error) {
      const reason = isRecgateError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      this.deps.log.warn('embedded job failed', { job: job.view.id, queue, reason });
      this.#update(job, { state: 'failed', failedReason: reason, finishedAt: new Date() });
    }
  }

  #adapt(userId: string): Promise<AdaptJobResult> {
    if (this.deps.adapt) return this.deps.adapt(userId);
    return Promise.resolve({ userId, adapted: [], unchanged: [], failed: [], historyThrough: null });
  }

  #prune(): void {
    const finished = [...this.#jobs.values()].filter((j) => j.view.finishedAt);
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.#jobs.delete(j.view.id);
  }

  /** Cancels the running job and fails the waiting ones, then waits for the chain to settle. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#adaptTimers.values()) clearTimeout(timer);
    this.#adaptTimers.clear();
    for (const job of this.#jobs.values()) job.controller.abort();
    await this.idle();
  }
}
