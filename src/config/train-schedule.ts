/**
 * `RECGATE_TRAIN_SCHEDULE`: when each strategy is retrained, e.g.
 * `als=0 3 * * *,two-tower=every:6h`. A cron pattern (5 or 6 fields, BullMQ's cron syntax)
 * or `every:<n><ms|s|m|h|d>`. Cron patterns may hold commas themselves (`0 3,15 * * *`), so
 * a comma only starts a new entry where `<strategy>=` follows it.
 */
import { z } from 'zod';
import { rgError } from '../errors.js';

export interface TrainSchedule {
  readonly strategy: string;
  /** A cron pattern, or null when `everyMs` is set. */
  readonly pattern: string | null;
  /** A fixed interval in ms, or null when `pattern` is set. */
  readonly everyMs: number | null;
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const EVERY = /^every:(\d+)(ms|s|m|h|d)$/;
/** One cron field: digits, names (MON, JAN), ranges, steps, lists and `? L W #`. */
const CRON_FIELD = /^[0-9A-Za-z*?/,#-]+$/;
const ENTRY_START = /^\s*[A-Za-z0-9_.-]+\s*=/;

const entrySchema = z.object({
  strategy: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a kebab-case strategy name expected before "="'),
  spec: z.union([
    z
      .string()
      .regex(EVERY, 'not every:<n><ms|s|m|h|d>')
      .transform((s) => {
        const [, n, unit] = EVERY.exec(s)!;
        return { pattern: null, everyMs: Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS] };
      })
      .refine((v) => v.everyMs >= 1_000, 'an interval under 1 s'),
    z
      .string()
      .refine((s) => {
        const fields = s.split(/\s+/);
        return (fields.length === 5 || fields.length === 6) && fields.every((f) => CRON_FIELD.test(f));
      }, 'not a cron pattern of 5 or 6 fields')
      .transform((s) => ({ pattern: s.split(/\s+/).join(' '), everyMs: null })),
  ]),
});

/** Parses the variable; a bad entry throws RG_ERR_CONFIG naming it. */
export function parseTrainSchedules(raw: string): TrainSchedule[] {
  const entries: string[] = [];
  for (const piece of raw.split(',')) {
    if (ENTRY_START.test(piece) || entries.length === 0) entries.push(piece);
    else entries[entries.length - 1] += `,${piece}`;
  }
  const schedules = new Map<string, TrainSchedule>();
  for (const entry of entries.map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const parsed = entrySchema.safeParse({ strategy: at < 0 ? '' : entry.slice(0, at).trim(), spec: at < 0 ? '' : entry.slice(at + 1).trim() });
    if (!parsed.success) {
      throw rgError('RG_ERR_CONFIG', {
        reason: `RECGATE_TRAIN_SCHEDULE entry "${entry}" must be <strategy>=<cron pattern> or <strategy>=every:<n><ms|s|m|h|d> (${parsed.error.issues[0]!.message})`,
      });
    }
    const { strategy, spec } = parsed.data;
    if (schedules.has(strategy)) throw rgError('RG_ERR_CONFIG', { reason: `RECGATE_TRAIN_SCHEDULE names "${strategy}" twice` });
    schedules.set(strategy, Object.freeze({ strategy, ...spec }));
  }
  return [...schedules.values()];
}
