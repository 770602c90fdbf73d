/** Validation of split options at the edge (zod), with the defaults applied. */
import { z } from 'zod';
import { rgError } from '../../errors.js';
import { DEFAULT_MIN_INTERACTIONS, DEFAULT_TRAIN_RATIO, type SplitOptions } from './evaluation-split.js';

export const splitOptionsSchema = z.object({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  minInteractions: z.number().int().min(1).default(DEFAULT_MIN_INTERACTIONS),
  trainRatio: z.number().gt(0).lt(1).default(DEFAULT_TRAIN_RATIO),
});

export type ResolvedSplitOptions = z.output<typeof splitOptionsSchema>;

/** Parses with zod; a bad value is `RG_ERR_INVALID_INPUT` naming the option. */
export function resolveWithSchema<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw rgError('RG_ERR_INVALID_INPUT', { path: issue.path.join('.') || '(options)', reason: issue.message });
  }
  return parsed.data;
}

export const resolveSplitOptions = (options: SplitOptions): ResolvedSplitOptions => resolveWithSchema(splitOptionsSchema, options);
