/**
 * The one list of job queues and their payloads. Queue names, the GraphQL enum and the CLI's
 * `--queues` all come from here; payloads are validated with these schemas when a job is
 * added and again when a worker picks it up (Redis holds whatever anyone wrote into it).
 */
import { z } from 'zod';
import { EVAL_PROTOCOLS } from '../evaluation/offline/protocols.js';
import { rgError } from '../errors.js';
import { externalId } from '../external-id.js';
import { MAX_SEARCH_BUDGET_SECONDS } from '../config/search-budget.js';

export const JOB_QUEUES = ['train', 'adapt', 'evaluate'] as const;
export type JobQueueName = (typeof JOB_QUEUES)[number];

const strategyName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a kebab-case strategy name');

const dataWindow = z
  .object({
    /** ms epoch, inclusive. */
    since: z.number().int().nonnegative().optional(),
    /** ms epoch, exclusive. */
    until: z.number().int().positive().optional(),
  })
  .strict()
  .refine((w) => w.since === undefined || w.until === undefined || w.since < w.until, 'since must be before until');

export const trainPayload = z
  .object({
    strategy: strategyName,
    /** Params for this run (validated by the strategy); absent: the registered params. */
    params: z.record(z.string(), z.unknown()).optional(),
    /** Interactions inside this window only. @default all */
    window: dataWindow.optional(),
    /** Train even when the data is unchanged since the live version. @default false */
    force: z.boolean().default(false),
    /** Seed for the held-out split and training. @default 42 */
    seed: z.number().int().default(42),
    /**
     * Model search before training (docs/model-search.md): a budget in seconds, or false for
     * none. @default RECGATE_TRAIN_SEARCH
     */
    search: z
      .union([
        z.literal(false),
        z
          .object({
            budgetSeconds: z.number().int().min(1).max(MAX_SEARCH_BUDGET_SECONDS),
            /** Stop after this many trials even if budget remains (the same count, the same result). @default unlimited */
            maxTrials: z.number().int().min(1).max(10_000).optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

export const adaptPayload = z.object({ userId: externalId }).strict();

export const evaluatePayload = z
  .object({
    strategy: strategyName,
    /** A stored model version; its params are evaluated. Absent: the live version's, else the registered params. */
    modelVersionId: z.string().min(1).optional(),
    protocol: z.enum(EVAL_PROTOCOLS).default('temporal'),
    seed: z.number().int().default(42),
  })
  .strict();

export const JOB_PAYLOADS = { train: trainPayload, adapt: adaptPayload, evaluate: evaluatePayload } as const;

export type JobPayloads = { [Q in JobQueueName]: z.output<(typeof JOB_PAYLOADS)[Q]> };
/** What callers write: defaults may be left out. */
export type JobPayloadInputs = { [Q in JobQueueName]: z.input<(typeof JOB_PAYLOADS)[Q]> };

/** Progress of every job: a phase name and a percentage of the whole job. */
export interface JobProgress {
  readonly phase: string;
  readonly percent: number;
}

export function isJobQueueName(value: unknown): value is JobQueueName {
  return typeof value === 'string' && (JOB_QUEUES as readonly string[]).includes(value);
}

export function parseQueueName(value: string): JobQueueName {
  if (!isJobQueueName(value)) throw rgError('RG_ERR_QUEUE_UNKNOWN', { queue: value, queues: JOB_QUEUES.join(', ') });
  return value;
}

/** The payload, validated, or `RG_ERR_JOB_PAYLOAD` naming the first problem. */
export function parseJobPayload<Q extends JobQueueName>(queue: Q, data: unknown): JobPayloads[Q] {
  const result = JOB_PAYLOADS[queue].safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw rgError('RG_ERR_JOB_PAYLOAD', {
      queue,
      path: issue && issue.path.length > 0 ? issue.path.join('.') : '(payload)',
      reason: issue?.message ?? 'invalid',
    });
  }
  return result.data as JobPayloads[Q];
}
