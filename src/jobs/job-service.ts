/**
 * What the API and the CLI see of jobs, whether they run on BullMQ (REDIS_URL set) or in the
 * gateway's process (embedded mode): enqueue, look up, list, and watch one job's progress.
 */
import type { JobPayloadInputs, JobProgress, JobQueueName } from './job-definitions.js';
import type { ScheduleView } from './train-schedules.js';

export const JOB_STATES = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobView {
  readonly id: string;
  readonly queue: JobQueueName;
  readonly state: JobState;
  readonly progress: JobProgress | null;
  readonly data: unknown;
  /** The processor's result once completed. */
  readonly result: unknown;
  readonly failedReason: string | null;
  readonly attemptsMade: number;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

export interface ListJobsOptions {
  readonly state?: JobState;
  readonly queue?: JobQueueName;
  /** Newest first. @default 50 */
  readonly limit?: number;
}

export interface JobService {
  readonly mode: 'redis' | 'embedded';
  enqueue<Q extends JobQueueName>(queue: Q, payload: JobPayloadInputs[Q]): Promise<JobView>;
  /**
   * Asks for an adapt job for a user whose feedback just arrived: feedback of one user within
   * the debounce window (RECGATE_ADAPT_DEBOUNCE_MS) becomes one job, started after it.
   */
  requestAdapt(userId: string): Promise<void>;
  get(id: string): Promise<JobView | null>;
  list(options?: ListJobsOptions): Promise<JobView[]>;
  /**
   * Cancels a job: a waiting one never runs, a running one is aborted between steps (its
   * training stops with RG_ERR_TRAINING_ABORTED and stores nothing). False if it had finished
   * or does not exist.
   */
  cancel(id: string): Promise<boolean>;
  /** The train schedules registered by workers (RECGATE_TRAIN_SCHEDULE); needs Redis. */
  schedules(): Promise<ScheduleView[]>;
  /** Calls `listener` with the job each time it changes; returns the unsubscribe function. */
  watch(id: string, listener: (job: JobView) => void): () => void;
  close(): Promise<void>;
}

const RECHECK_MS = 1_000;

export const isFinished = (job: JobView): boolean => job.state === 'completed' || job.state === 'failed';

/** Job updates as an async iterable that ends when the job finishes (GraphQL subscriptions, the CLI). */
export async function* jobUpdates(service: JobService, id: string, signal?: AbortSignal): AsyncGenerator<JobView> {
  const pending: JobView[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = service.watch(id, (job) => {
    pending.push(job);
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    const first = await service.get(id);
    if (!first) return;
    yield first;
    if (isFinished(first)) return;
    while (!signal?.aborted) {
      if (pending.length === 0) {
        // Events are the fast path; a periodic look-up covers one missed while subscribing.
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
          timer = setTimeout(() => resolve(true), RECHECK_MS);
        });
        clearTimeout(timer);
        if (timedOut && pending.length === 0) {
          const current = await service.get(id);
          if (!current) return;
          pending.push(current);
        }
      }
      wake = null;
      while (pending.length > 0) {
        const job = pending.shift()!;
        yield job;
        if (isFinished(job)) return;
      }
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
