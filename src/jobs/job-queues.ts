/**
 * The BullMQ queues, one per name in `JOB_QUEUES`, under one prefix. Adding a job validates
 * its payload first, so a bad payload never reaches Redis from this side.
 */
import { Queue, QueueEvents, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_QUEUES, parseJobPayload, type JobPayloadInputs, type JobPayloads, type JobQueueName } from './job-definitions.js';

/** Transient failures (a database hiccup, a killed worker) are retried with backoff. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 1_000 },
};

/** Typed at `add` (validated payloads); BullMQ's own generics only get in the way inside. */
export type RecgateQueue = Queue;

export interface JobQueuesOptions {
  readonly connection: Redis;
  /** Makes the blocking connection a `QueueEvents` needs. @default connection.duplicate() */
  readonly eventsConnection?: () => Redis;
  /** @default recgate */
  readonly prefix?: string;
  /** Feedback from one user within this window becomes one adapt job, ms. @default 250 */
  readonly adaptDebounceMs?: number;
  /** Connection errors of the queues (they reconnect by themselves). @default ignored */
  readonly onError?: (error: Error) => void;
}

export class JobQueues {
  readonly prefix: string;
  readonly #queues: Record<JobQueueName, RecgateQueue>;
  readonly #adaptDebounceMs: number;
  #events: Partial<Record<JobQueueName, QueueEvents>> = {};
  readonly #eventConnections: Redis[] = [];

  constructor(private readonly options: JobQueuesOptions) {
    this.prefix = options.prefix ?? 'recgate';
    this.#adaptDebounceMs = options.adaptDebounceMs ?? 250;
    const make = (name: JobQueueName): RecgateQueue =>
      this.#listen(new Queue(name, { connection: options.connection, prefix: this.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }));
    this.#queues = { train: make('train'), adapt: make('adapt'), evaluate: make('evaluate') };
  }

  /** Without a listener BullMQ prints every reconnect failure to the console. */
  #listen(queue: RecgateQueue): RecgateQueue {
    queue.on('error', (error: Error) => this.options.onError?.(error));
    return queue;
  }

  queue(name: JobQueueName): RecgateQueue {
    return this.#queues[name];
  }

  /** Validates and enqueues. */
  async add<Q extends JobQueueName>(queue: Q, input: JobPayloadInputs[Q], options: JobsOptions = {}): Promise<Job<JobPayloads[Q]>> {
    const payload = parseJobPayload(queue, input);
    return (await this.#queues[queue].add(queue, payload, options)) as Job<JobPayloads[Q]>;
  }

  /**
   * One adapt job per user per debounce window: later feedback in the window replaces the
   * waiting job's payload and pushes its start back (BullMQ deduplication, debounce mode).
   */
  addAdapt(userId: string): Promise<Job<JobPayloads['adapt']>> {
    const ttl = Math.max(1, this.#adaptDebounceMs);
    return this.add('adapt', { userId }, { delay: this.#adaptDebounceMs, deduplication: { id: `adapt:${userId}`, ttl, extend: true, replace: true } });
  }

  async getJob(id: string): Promise<{ queue: JobQueueName; job: Job } | null> {
    for (const name of JOB_QUEUES) {
      const job = await this.#queues[name].getJob(id);
      if (job) return { queue: name, job: job as Job };
    }
    return null;
  }

  /** Events of one queue (a dedicated blocking connection, opened on first use). */
  events(queue: JobQueueName): QueueEvents {
    const existing = this.#events[queue];
    if (existing) return existing;
    const connection = this.options.eventsConnection?.() ?? this.options.connection.duplicate();
    this.#eventConnections.push(connection);
    const created = new QueueEvents(queue, { connection, prefix: this.prefix });
    created.on('error', (error: Error) => this.options.onError?.(error)); // reconnects on its own
    this.#events[queue] = created;
    return created;
  }

  async close(): Promise<void> {
    await Promise.all([...Object.values(this.#queues).map((q) => q.close()), ...Object.values(this.#events).map((e) => e?.close())]);
    // Connections handed to BullMQ are not closed by it.
    for (const c of this.#eventConnections) c.disconnect();
  }

  /** Deletes every queue and its jobs (tests). */
  async obliterate(): Promise<void> {
    await Promise.all(Object.values(this.#queues).map((q) => q.obliterate({ force: true })));
  }
}
