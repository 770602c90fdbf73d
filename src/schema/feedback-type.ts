import { FEEDBACK_TYPES, type FeedbackType } from '../interactions/feedback-type.js';
import { builder } from './builder.js';

/** The GraphQL enum of feedback types, from the one list in src/interactions. */
export const FeedbackTypeEnum = builder.enumType('FeedbackType', {
  values: Object.fromEntries(FEEDBACK_TYPES.map((t) => [t.toUpperCase(), { value: t }])) as Record<Uppercase<FeedbackType>, { value: FeedbackType }>,
});
