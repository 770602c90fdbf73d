/**
 * Moves every interaction's time by one offset so that the newest ends at a given instant,
 * keeping their order and the gaps between them. The demo does this to its 2013 sample:
 * popularity decays with a one-week half-life, so data that ended years ago would let a few
 * clicks today outweigh the whole sample ("popular this week" for everyone).
 */
import type { Database } from '../db/index.js';

export interface TimeShift {
  /** How far the interactions moved, ms (0 when there were none). */
  readonly shiftMs: number;
  /** The newest interaction's time before the shift, or null when there were none. */
  readonly newestBefore: Date | null;
  readonly newestAfter: Date | null;
}

export async function shiftInteractionsToEndAt(db: Database, end: Date): Promise<TimeShift> {
  const newest = await db.prisma.interaction.aggregate({ _max: { occurredAt: true } });
  const newestBefore = newest._max.occurredAt;
  if (!newestBefore) return { shiftMs: 0, newestBefore: null, newestAfter: null };
  const shiftMs = end.getTime() - newestBefore.getTime();
  // One statement: SQLite keeps times as Unix milliseconds (the adapter's timestampFormat),
  // PostgreSQL as timestamp(3).
  await db.prisma.$executeRawUnsafe(
    db.provider === 'sqlite'
      ? 'UPDATE "Interaction" SET "occurredAt" = "occurredAt" + ?'
      : `UPDATE "Interaction" SET "occurredAt" = "occurredAt" + $1 * interval '1 millisecond'`,
    shiftMs,
  );
  return { shiftMs, newestBefore, newestAfter: new Date(newestBefore.getTime() + shiftMs) };
}
