/**
 * Command-line options, validated with zod before a command touches anything: a bad value is
 * RG_ERR_INVALID_INPUT naming the flag as the user typed it (`batchSize` -> `--batch-size`).
 */
import { z } from 'zod';
import { rgError } from '../errors.js';

/** A flag whose value is a whole number, then checked by `schema` (ranges). */
export const wholeNumberOption = (flag: string, schema: z.ZodType<number, number>) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { error: `${flag} must be a whole number` })
    .transform(Number)
    .pipe(schema);

/** A flag whose value is a finite number, then checked by `schema` (ranges). */
export const numberOption = (flag: string, schema: z.ZodType<number, number>) =>
  z
    .string()
    .trim()
    .min(1, { error: `${flag} needs a value` })
    .transform(Number)
    .pipe(
      z
        .number()
        .refine(Number.isFinite, { error: `${flag} must be a finite number` })
        .pipe(schema),
    );

const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function parseCommandOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw rgError('RG_ERR_INVALID_INPUT', { path: issue.path.length > 0 ? flagOf(String(issue.path[0])) : 'options', reason: issue.message });
}
