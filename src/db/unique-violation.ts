/**
 * Prisma's error codes stop here: callers outside src/db/ ask what happened in domain terms.
 */

/** Prisma's "unique constraint failed" (P2002), e.g. an idempotency key stored twice. */
const UNIQUE_VIOLATION = 'P2002';

/** True when a write failed because a row with the same unique key exists. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}
