/**
 * Scheduled retraining (`RECGATE_TRAIN_SCHEDULE`) as BullMQ job schedulers on the train
 * queue. Each strategy has one scheduler with a stable id, so registering again (every worker
 * does at start) updates it in place instead of adding a second, and a strategy dropped from
 * the configuration loses its scheduler.
 */
import type { TrainSchedule } from '../config/train-schedule.js';
import { DEFAULT_JOB_OPTIONS, type RecgateQueue } from './job-queues.js';
import { parseJobPayload } from './job-definitions.js';

const SCHEDULER_PREFIX = 'train:';

/** The scheduler id of a strategy's schedule. */
export const trainSchedulerId = (strategy: string): string => `${SCHEDULER_PREFIX}${strategy}`;

export interface ScheduleView {
  readonly strategy: string;
  readonly pattern: string | null;
  readonly everyMs: number | null;
  /** When the next train job is due. */
  readonly next: Date | null;
}

/** Makes the train queue's schedulers match `schedules`: upserts each, removes the rest of ours. */
export async function syncTrainSchedules(trainQueue: RecgateQueue, schedules: readonly TrainSchedule[]): Promise<ScheduleView[]> {
  const wanted = new Set(schedules.map((s) => trainSchedulerId(s.strategy)));
  for (const existing of await trainQueue.getJobSchedulers(0, -1)) {
    if (existing.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(existing.key)) await trainQueue.removeJobScheduler(existing.key);
  }
  const { attempts, backoff, removeOnComplete, removeOnFail } = DEFAULT_JOB_OPTIONS;
  for (const schedule of schedules) {
    const repeat = schedule.pattern !== null ? { pattern: schedule.pattern } : { every: schedule.everyMs! };
    await trainQueue.upsertJobScheduler(trainSchedulerId(schedule.strategy), repeat, {
      name: 'train',
      data: parseJobPayload('train', { strategy: schedule.strategy }),
      opts: { attempts, backoff, removeOnComplete, removeOnFail },
    });
  }
  return listTrainSchedules(trainQueue);
}

/** The train schedules registered in Redis. */
export async function listTrainSchedules(trainQueue: RecgateQueue): Promise<ScheduleView[]> {
  const schedulers = await trainQueue.getJobSchedulers(0, -1, true);
  return schedulers
    .filter((s) => s.key.startsWith(SCHEDULER_PREFIX))
    .map((s) => ({
      strategy: s.key.slice(SCHEDULER_PREFIX.length),
      pattern: s.pattern ?? null,
      everyMs: s.every ?? null,
      next: s.next ? new Date(s.next) : null,
    }));
}
