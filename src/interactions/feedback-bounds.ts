/**
 * What a stored interaction may say: when it happened and what its value means. The API
 * (`recordFeedback`, `recordFeedbackBatch`) and every importer check these before writing, so
 * no interaction from the future (which outweighs everything else in popularity's time decay)
 * and no meaningless value (a rating off the scale, a negative purchase) reaches a strategy.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import type { FeedbackType } from './feedback-type.js';

export interface RatingScale {
  readonly min: number;
  readonly max: number;
}

export interface FeedbackBounds {
  /** Lowest and highest accepted `rating` value, inclusive. @default { min: 0, max: 10 } */
  readonly ratingScale: RatingScale;
  /** How far past the receiver's clock `occurredAt` may be (the sender's clock may run ahead). @default 300 */
  readonly maxClockSkewSeconds: number;
}

/**
 * 0..10 holds both common explicit scales: MovieTweetings (0-10) and MovieLens (1-5, or
 * 0.5-5 in half stars). Five minutes of skew is far more than NTP-synchronised clocks drift
 * and far less than any decay window a strategy uses.
 */
export const DEFAULT_FEEDBACK_BOUNDS: FeedbackBounds = Object.freeze({
  ratingScale: Object.freeze({ min: 0, max: 10 }),
  maxClockSkewSeconds: 300,
});

/** The earliest accepted `occurredAt`: the Unix epoch. Anything earlier is a unit or sign mistake. */
export const EARLIEST_OCCURRED_AT = 0;

/** `RECGATE_RATING_SCALE`: `<min>..<max>`, e.g. `1..5` or `0.5..5`. */
export const ratingScaleText = z
  .string()
  .trim()
  .transform((text, ctx): RatingScale => {
    const match = /^(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)$/.exec(text);
    const scale = match ? { min: Number(match[1]), max: Number(match[2]) } : null;
    if (scale === null || !(scale.min < scale.max)) {
      ctx.addIssue({ code: 'custom', message: `must be <min>..<max> with min < max, e.g. 1..5 (got "${text}")` });
      return z.NEVER;
    }
    return scale;
  });

export interface FeedbackFacts {
  readonly type: FeedbackType;
  readonly value: number | null;
  /** ms epoch. */
  readonly occurredAt: number;
}

export interface FeedbackProblem {
  readonly code: Extract<ErrorCode, 'RG_ERR_FEEDBACK_TIME' | 'RG_ERR_FEEDBACK_VALUE'>;
  /** What is wrong and what to do, in words. */
  readonly reason: string;
}

/** The first thing wrong with one interaction under `bounds`, or null. `now` is ms epoch. */
export function feedbackProblem(bounds: FeedbackBounds, facts: FeedbackFacts, now: number): FeedbackProblem | null {
  const latest = now + bounds.maxClockSkewSeconds * 1000;
  if (facts.occurredAt > latest) {
    const ahead = Math.round((facts.occurredAt - now) / 1000);
    return {
      code: 'RG_ERR_FEEDBACK_TIME',
      reason:
        `${new Date(facts.occurredAt).toISOString()} is ${ahead} s in the future; at most ${bounds.maxClockSkewSeconds} s ` +
        'of clock skew is allowed (RECGATE_MAX_CLOCK_SKEW_SECONDS)',
    };
  }
  if (facts.occurredAt < EARLIEST_OCCURRED_AT) {
    return {
      code: 'RG_ERR_FEEDBACK_TIME',
      reason: `${new Date(facts.occurredAt).toISOString()} is before 1970-01-01T00:00:00Z; check the unit (seconds or milliseconds) and the sign`,
    };
  }
  if (facts.type === 'rating') {
    const { min, max } = bounds.ratingScale;
    if (facts.value === null) return { code: 'RG_ERR_FEEDBACK_VALUE', reason: `a rating needs a value between ${min} and ${max}` };
    if (facts.value < min || facts.value > max) {
      return {
        code: 'RG_ERR_FEEDBACK_VALUE',
        reason: `rating ${facts.value} is outside the rating scale ${min}..${max} (RECGATE_RATING_SCALE)`,
      };
    }
  }
  // A quantity, when given, counts items: a cart line of -3 is a removal, not an add.
  if ((facts.type === 'purchase' || facts.type === 'add_to_cart') && facts.value !== null && facts.value <= 0) {
    const returns = facts.type === 'purchase' ? 'returns are not purchases' : 'a removal from the cart is not an add';
    return {
      code: 'RG_ERR_FEEDBACK_VALUE',
      reason: `${facts.type} quantity ${facts.value} is not positive (omit the value for a quantity of 1; ${returns})`,
    };
  }
  return null;
}
