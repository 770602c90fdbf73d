/**
 * The worker's dispatch table: one typed processor per queue, from the queue's validated
 * payload to its result. `startQueueWorker` binds one entry to a BullMQ
 * `Worker<Payload, Result, Name>`, so a queue's payload, result and name agree at compile
 * time, with no cast between the queue and its processor.
 */
import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { AdaptJobResult } from '../adaptation/adapt-user.js';
import { parseJobPayload, type JobPayloads, type JobQueueName } from './job-definitions.js';
import type { EvaluateJobResult } from './processors/evaluate-processor.js';
import type { JobRunOptions, TrainJobResult } from './processors/train-processor.js';

/** What a job of each queue returns (BullMQ stores it as the job's return value). */
export interface JobResults {
  readonly train: TrainJobResult;
  readonly adapt: AdaptJobResult;
  readonly evaluate: EvaluateJobResult;
}

export type JobProcessor<Q extends JobQueueName> = (payload: JobPayloads[Q], run: JobRunOptions) => Promise<JobResults[Q]>;

export type JobProcessors = { readonly [Q in JobQueueName]: JobProcessor<Q> };

export type QueueWorker<Q extends JobQueueName> = Worker<JobPayloads[Q], JobResults[Q], Q>;

/**
 * A BullMQ worker for one queue: validates each job's payload (Redis holds whatever anyone
 * wrote), reports progress on the job, and maps failures with `toJobError`.
 */
export function startQueueWorker<Q extends JobQueueName>(
  queue: Q,
  processor: JobProcessor<Q>,
  options: WorkerOptions & { readonly toJobError: (error: unknown) => Error },
): QueueWorker<Q> {
  const { toJobError, ...workerOptions } = options;
  return new Worker<JobPayloads[Q], JobResults[Q], Q>(
    queue,
    async (job: Job<JobPayloads[Q], JobResults[Q], Q>, _token?: string, signal?: AbortSignal) => {
      try {
        const onProgress = (progress: { phase: string; percent: number }): void => {
          job.updateProgress(progress).catch(() => {});
        };
        return await processor(parseJobPayload(queue, job.data), { jobId: job.id, signal: signal ?? new AbortController().signal, onProgress });
      } catch (error) {
        throw toJobError(error);
      }
    },
    workerOptions,
  );
}
