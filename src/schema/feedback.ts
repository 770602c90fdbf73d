/** Feedback: `recordFeedback` and `recordFeedbackBatch`. */
import { MAX_FEEDBACK_BATCH } from '../serving/input-schemas.js';
import type { StoredFeedback } from '../serving/feedback-service.js';
import { builder } from './builder.js';
import { FeedbackTypeEnum } from './feedback-type.js';
import { scope } from '../auth/scopes.js';

const FeedbackInput = builder.inputType('FeedbackInput', {
  fields: (t) => ({
    impressionId: t.id({ required: false, description: 'The slate this feedback is about, if any (links the feedback to it): a Slate.impressionId.' }),
    userId: t.id({ required: true }),
    itemId: t.id({ required: true }),
    type: t.field({ type: FeedbackTypeEnum, required: true }),
    value: t.float({ required: false, description: 'A rating, a quantity, ...' }),
    idempotencyKey: t.string({ required: false, description: 'Sending the same key again stores nothing new and returns the same answer.' }),
    occurredAt: t.field({ type: 'DateTime', required: false, description: 'When it happened. @default now' }),
  }),
});

const FeedbackRef = builder.objectRef<StoredFeedback>('Feedback').implement({
  description: 'Stored feedback.',
  fields: (t) => ({
    id: t.id({ resolve: (f) => String(f.id) }),
    userId: t.exposeID('userId'),
    itemId: t.exposeID('itemId'),
    type: t.field({ type: FeedbackTypeEnum, resolve: (f) => f.type }),
    value: t.exposeFloat('value', { nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    impressionId: t.exposeID('impressionId', { nullable: true }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
  }),
});

builder.mutationField('recordFeedback', (t) =>
  t.field({
    ...scope('client'),
    type: FeedbackRef,
    description: 'Records what a user did with an item. Scope: client.',
    args: { input: t.arg({ type: FeedbackInput, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.feedback.record(args.input),
  }),
);

builder.mutationField('recordFeedbackBatch', (t) =>
  t.field({
    ...scope('client'),
    type: [FeedbackRef],
    description: `Records up to ${MAX_FEEDBACK_BATCH} feedback entries in one transaction: all or nothing. Scope: client.`,
    args: { inputs: t.arg({ type: [FeedbackInput], required: true }) },
    resolve: (_root, args, ctx) => ctx.services.feedback.recordBatch(args.inputs),
  }),
);
