/**
 * The job service over BullMQ: jobs run on `npx recgate worker` processes. Its connection
 * fails fast while Redis is away (no offline queue), so an API call says
 * `RG_ERR_REDIS_UNAVAILABLE` at once instead of hanging, and serving is never held up.
 */
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_QUEUES, type JobPayloadInputs, type JobProgress, type JobQueueName } from './job-definitions.js';
import { JobQueues } from './job-queues.js';
import { JOB_STATES, type JobService, type JobState, type JobView, type ListJobsOptions } from './job-service.js';
import { createRedisConnection, withRedis } from '../redis/redis-connection.js';
import { jobCancelChannel } from '../models/promotion-channel.js';
import { listTrainSchedules, type ScheduleView } from './train-schedules.js';

function isProgress(value: unknown): value is JobProgress {
  return !!value && typeof value === 'object' && typeof (value as JobProgress).phase === 'string' && typeof (value as JobProgress).percent === 'number';
}

/**
 * `knownState` must be read before the job's hash: read after, a job finishing in between
 * would show as completed without its result.
 */
async function toView(queue: JobQueueName, job: Job, knownState?: string): Promise<JobView> {
  const raw = knownState ?? (await job.getState());
  const state: JobState = (JOB_STATES as readonly string[]).includes(raw) ? (raw as JobState) : 'waiting';
  return {
    id: job.id ?? '',
    queue,
    state,
    progress: isProgress(job.progress) ? job.progress : null,
    data: job.data,
    result: job.returnvalue ?? null,
    failedReason: job.failedReason || null,
    attemptsMade: job.attemptsMade,
    createdAt: new Date(job.timestamp),
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
  };
}

export interface BullJobServiceOptions {
  readonly redisUrl: string;
  /** @default recgate */
  readonly prefix?: string;
  /** @default 250 */
  readonly adaptDebounceMs?: number;
  /** Told when the connection fails (it reconnects by itself). */
  readonly onConnectionError?: (error: Error) => void;
}

export class BullJobService implements JobService {
  readonly mode = 'redis' as const;
  readonly queues: JobQueues;
  readonly #connection: Redis;
  readonly #url: string;

  constructor(options: BullJobServiceOptions) {
    this.#url = options.redisUrl;
    this.#connection = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
      connectionName: 'recgate-gateway-queues',
    });
    this.#connection.on('error', (error: Error) => options.onConnectionError?.(error));
    this.queues = new JobQueues({
      connection: this.#connection,
      eventsConnection: () => createRedisConnection(options.redisUrl, { connectionName: 'recgate-gateway-events' }),
      prefix: options.prefix,
      adaptDebounceMs: options.adaptDebounceMs,
      onError: options.onConnectionError,
    });
  }

  #call<T>(work: () => Promise<T>): Promise<T> {
    return withRedis(this.#connection, this.#url, work);
  }

  enqueue<Q extends JobQueueName>(queue: Q, payload: JobPayloadInputs[Q]): Promise<JobView> {
    return this.#call(async () => toView(queue, (await this.queues.add(queue, payload)) as Job));
  }

  async requestAdapt(userId: string): Promise<void> {
    await this.#call(() => this.queues.addAdapt(userId));
  }

  get(id: string): Promise<JobView | null> {
    return this.#call(async () => {
      for (const queue of JOB_QUEUES) {
        const state = await this.queues.queue(queue).getJobState(id);
        if (state === 'unknown') continue;
        const job = await this.queues.queue(queue).getJob(id);
        if (job) return toView(queue, job, state);
      }
      return null;
    });
  }

  list(options: ListJobsOptions = {}): Promise<JobView[]> {
    return this.#call(async () => {
      const limit = options.limit ?? 50;
      const states = options.state ? [options.state] : [...JOB_STATES];
      const views: JobView[] = [];
      for (const queue of options.queue ? [options.queue] : JOB_QUEUES) {
        const jobs = await this.queues.queue(queue).getJobs(states, 0, limit - 1, false);
        for (const job of jobs) if (job) views.push(await toView(queue, job));
      }
      return views.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
    });
  }

  cancel(id: string): Promise<boolean> {
    return this.#call(async () => {
      for (const queue of JOB_QUEUES) {
        const state = await this.queues.queue(queue).getJobState(id);
        if (state === 'unknown') continue;
        if (state === 'completed' || state === 'failed') return false;
        if (state === 'active') {
          // Only the worker running it can abort it: every worker hears this and checks.
          await this.#connection.publish(jobCancelChannel(this.queues.prefix), id);
          return true;
        }
        await this.queues.queue(queue).remove(id);
        return true;
      }
      return false;
    });
  }

  schedules(): Promise<ScheduleView[]> {
    return this.#call(() => listTrainSchedules(this.queues.queue('train')));
  }

  watch(id: string, listener: (job: JobView) => void): () => void {
    const detach: Array<() => void> = [];
    for (const queue of JOB_QUEUES) {
      const events = this.queues.events(queue);
      const onEvent = ({ jobId }: { jobId: string }): void => {
        if (jobId !== id) return;
        void this.get(id)
          .then((job) => job && listener(job))
          .catch(() => {});
      };
      for (const name of ['active', 'progress', 'completed', 'failed'] as const) {
        events.on(name, onEvent);
        detach.push(() => events.off(name, onEvent));
      }
    }
    return () => detach.forEach((d) => d());
  }

  async close(): Promise<void> {
    await this.queues.close().catch(() => {});
    this.#connection.disconnect();
  }
}
