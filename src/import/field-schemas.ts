/**
 * zod schemas for the fields of source rows (all arrive as strings) and the one way a zod
 * failure becomes a bad-row reason. Each format validates every row with these.
 */
import { z } from 'zod';
import { externalId } from '../external-id.js';

/** An external id: the same rule as the API's (src/external-id.ts). */
export const externalIdSchema = externalId;

const decimalPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number written as text. */
export const numberTextSchema = z
  .string()
  .trim()
  .regex(decimalPattern, { error: (issue) => `is not a number (${JSON.stringify(issue.input)})` })
  .transform(Number)
  .pipe(z.number().finite({ error: 'is not finite' }));

/** An integer number written as text. */
export const integerTextSchema = numberTextSchema.pipe(z.number().int({ error: 'is not an integer' }));

/** A count written as text, at least 1. */
export const positiveIntegerTextSchema = integerTextSchema.pipe(z.number().min(1, { error: 'is not positive' }));

const unixSecondsPattern = /^\d{1,11}(\.\d{1,6})?$/;

/** Unix seconds (UTC) as text, to milliseconds. */
export const unixSecondsSchema = z
  .string()
  .trim()
  .regex(unixSecondsPattern, { error: (issue) => `is not unix seconds (${JSON.stringify(issue.input)})` })
  .transform((text) => Math.round(Number(text) * 1000));

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

/**
 * Unix seconds or ISO 8601, to milliseconds. An ISO date-time must carry `Z` or an offset:
 * a time without a zone means a different instant on every server.
 */
export const timestampTextSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (unixSecondsPattern.test(text)) return Math.round(Number(text) * 1000);
    if (isoDateTime.safeParse(text).success || isoDate.safeParse(text).success) return Date.parse(text);
    ctx.addIssue({
      code: 'custom',
      message: `is neither unix seconds nor ISO 8601 with a time zone (${JSON.stringify(text)})`,
    });
    return z.NEVER;
  });

/** "field: problem; field: problem" from a zod error, for bad-row reports. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : issue.message)).join('; ');
}

/** Parse one row's fields with a schema: the value, or a reason to report. */
export function validateFields<S extends z.ZodType>(
  schema: S,
  fields: unknown,
): { readonly ok: true; readonly value: z.output<S> } | { readonly ok: false; readonly reason: string } {
  const result = schema.safeParse(fields);
  return result.success ? { ok: true, value: result.data } : { ok: false, reason: describeIssues(result.error) };
}

/** "Title (1995)" -> { title: "Title", year: 1995 }; titles without a year pass unchanged. */
export function splitTitleYear(text: string): { readonly title: string; readonly year: number | null } {
  const match = /^(.*\S)\s+\((\d{4})(?:\/[IVX]+)?\)\s*$/.exec(text);
  if (!match) return { title: text.trim(), year: null };
  return { title: match[1]!, year: Number(match[2]) };
}

/** "Crime|Drama|" -> ["Crime", "Drama"]: trimmed, no empties, no repeats. */
export function splitCategories(text: string): string[] {
  return [
    ...new Set(
      text
        .split('|')
        .map((c) => c.trim())
        .filter((c) => c.length > 0),
    ),
  ];
}
