/**
 * Bounds on everything a client sends. GraphQL checks the types; these check sizes and
 * ranges, so no request can ask for an unbounded amount of work or storage.
 */
import { z } from 'zod';
import { externalId } from '../external-id.js';
import { FEEDBACK_TYPES } from '../interactions/feedback-type.js';

/** Largest slate a request may ask for. */
export const MAX_LIMIT = 100;
/** Most item ids `similarItems` takes, and most `sessionItems` a request carries. */
export const MAX_SIMILAR_ITEMS = 100;
export const MAX_SESSION_ITEMS = 100;
/** Largest feedback batch. */
export const MAX_FEEDBACK_BATCH = 1_000;
/** Largest JSON object accepted for `context` or `attributes`, as serialised bytes. */
export const MAX_JSON_BYTES = 8_192;

export { externalId };

export const jsonObject = z
  .record(z.string(), z.unknown())
  .refine((v) => JSON.stringify(v).length <= MAX_JSON_BYTES, `at most ${MAX_JSON_BYTES} bytes of JSON`);

export const recommendationsInput = z.object({
  userId: externalId,
  limit: z.number().int().min(1, 'must be at least 1').max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`).default(10),
  surface: z.string().trim().min(1).max(64).default('default'),
  exclude: z.array(externalId).max(1_000, 'at most 1000 ids').default([]),
  includeSeen: z.boolean().default(false),
  filter: z.object({ categories: z.array(z.string().min(1).max(128)).max(50, 'at most 50 categories').optional() }).default({}),
  context: jsonObject.default({}),
  /** Items seen in the current session, oldest first: recent history for an anonymous visitor too. */
  sessionItems: z.array(externalId).max(MAX_SESSION_ITEMS, `at most ${MAX_SESSION_ITEMS} ids`).default([]),
});
export type RecommendationsInput = z.output<typeof recommendationsInput>;

export const similarItemsInput = z.object({
  itemIds: z
    .array(externalId)
    .min(1, 'must name at least one item')
    .max(MAX_SIMILAR_ITEMS, `at most ${MAX_SIMILAR_ITEMS} ids`)
    .transform((ids) => [...new Set(ids)]),
  /** Absent for an anonymous visitor: the slate gets an id of its own. */
  userId: externalId.optional(),
  limit: recommendationsInput.shape.limit,
  surface: z.string().trim().min(1).max(64).default('similar'),
  exclude: recommendationsInput.shape.exclude,
  filter: recommendationsInput.shape.filter,
  context: recommendationsInput.shape.context,
});
export type SimilarItemsInput = z.output<typeof similarItemsInput>;

export const feedbackInput = z.object({
  impressionId: z.string().trim().min(1).max(64).nullish(),
  userId: externalId,
  itemId: externalId,
  type: z.enum(FEEDBACK_TYPES),
  value: z.number().finite().nullish(),
  idempotencyKey: z.string().trim().min(1).max(256).nullish(),
  occurredAt: z
    .date()
    .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date')
    .nullish(),
});
export type FeedbackInput = z.output<typeof feedbackInput>;

export const feedbackBatchInput = z.array(feedbackInput).min(1, 'must not be empty').max(MAX_FEEDBACK_BATCH, `at most ${MAX_FEEDBACK_BATCH} entries`);

export const itemInput = z.object({
  id: externalId,
  title: z.string().trim().min(1, 'must not be empty').max(1_000),
  description: z.string().max(20_000).default(''),
  categories: z.array(z.string().trim().min(1).max(128)).max(100).default([]),
  attributes: jsonObject.default({}),
  embedding: z.array(z.number().finite()).min(1).max(4_096).nullish(),
  active: z.boolean().default(true),
});
export const itemsInput = z.array(itemInput).min(1, 'must not be empty').max(1_000, 'at most 1000 items per call');
export type ItemInput = z.output<typeof itemInput>;

export const userInput = z.object({ id: externalId, attributes: jsonObject.default({}) });
export type UserInput = z.output<typeof userInput>;
