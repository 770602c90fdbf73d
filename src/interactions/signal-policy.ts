import { z } from 'zod';
import { FEEDBACK_TYPES, type FeedbackType } from './feedback-type.js';

/**
 * How a stored interaction turns into an implicit-feedback signal that strategies learn from.
 * Interactions keep their raw type and value in the database; this mapping is applied when
 * strategies read them, so changing it never rewrites data.
 *
 * - every type has a weight (negative = the user pushed the item away);
 * - a `rating` counts as positive (weight `ratingWeight`) when its value is at least
 *   `ratingPositiveMin`, and as weight 0 (seen, no preference) below it. The default (no
 *   minimum) treats every rated item as relevant, which is the usual top-N protocol for
 *   explicit datasets (Microsoft Recommenders, RecBole) and makes numbers comparable.
 */
export const signalPolicySchema = z.object({
  weights: z
    .object(Object.fromEntries(FEEDBACK_TYPES.map((t) => [t, z.number().finite()])) as Record<FeedbackType, z.ZodNumber>)
    .default({ view: 0.5, click: 1, add_to_cart: 2, purchase: 3, rating: 1, dismiss: -1 }),
  /** Ratings below this value are not a positive signal. @default null (every rating is positive) */
  ratingPositiveMin: z.number().finite().nullable().default(null),
});

export type SignalPolicy = z.output<typeof signalPolicySchema>;

export const DEFAULT_SIGNAL_POLICY: SignalPolicy = Object.freeze(signalPolicySchema.parse({}));

/** The learning weight of one interaction under a signal policy. */
export function signalWeight(policy: SignalPolicy, type: FeedbackType, value: number | null): number {
  if (type === 'rating' && policy.ratingPositiveMin !== null && (value ?? -Infinity) < policy.ratingPositiveMin) {
    return 0;
  }
  return policy.weights[type];
}
