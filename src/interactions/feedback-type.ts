/**
 * The kinds of feedback a frontend reports. One list: the GraphQL enum, the database column
 * values, the importers and the reward weights all derive from it, so a typo is a compile error.
 */
export const FEEDBACK_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'rating', 'dismiss'] as const;

export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

export function isFeedbackType(value: unknown): value is FeedbackType {
  return typeof value === 'string' && (FEEDBACK_TYPES as readonly string[]).includes(value);
}
