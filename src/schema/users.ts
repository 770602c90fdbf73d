/** Users: `user`, `upsertUser`, and `deleteUser` (a user may ask to be forgotten). */
import { builder } from './builder.js';
import { ItemRef } from './items.js';
import { FeedbackTypeEnum } from './feedback-type.js';
import type { StoredInteraction, StoredUser } from '../db/index.js';
import { MAX_LIMIT } from '../serving/input-schemas.js';
import { scope } from '../auth/scopes.js';

const InteractionRef = builder.objectRef<StoredInteraction>('Interaction');

InteractionRef.implement({
  description: 'Something a user did with an item.',
  fields: (t) => ({
    item: t.field({ type: ItemRef, resolve: (i) => i.item }),
    type: t.field({ type: FeedbackTypeEnum, resolve: (i) => i.type }),
    value: t.exposeFloat('value', { nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    impressionId: t.exposeID('impressionId', { nullable: true }),
  }),
});

const UserRef = builder.objectRef<StoredUser>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    attributes: t.field({ type: 'JSON', resolve: (u) => u.attributes }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    interactionCount: t.int({
      resolve: (u, _args, ctx) => ctx.services.catalog.interactionCount(u),
    }),
    recentInteractions: t.field({
      type: [InteractionRef],
      description: `The user's latest interactions, newest first (at most ${MAX_LIMIT}).`,
      args: { limit: t.arg.int({ defaultValue: 20 }) },
      resolve: (u, args, ctx) => ctx.services.catalog.recentInteractions(u, Math.max(1, Math.min(MAX_LIMIT, args.limit ?? 20))),
    }),
  }),
});

const UserInput = builder.inputType('UserInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    attributes: t.field({ type: 'JSON', required: false }),
  }),
});

const DeleteUserResult = builder.objectRef<{ deleted: boolean; interactions: number; impressions: number }>('DeleteUserResult').implement({
  fields: (t) => ({
    deleted: t.exposeBoolean('deleted', { description: 'False when nothing was stored for this user.' }),
    interactions: t.exposeInt('interactions', { description: 'Interactions deleted.' }),
    impressions: t.exposeInt('impressions', { description: 'Impressions deleted.' }),
  }),
});

builder.queryField('user', (t) =>
  t.field({
    ...scope('admin'),
    type: UserRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.catalog.user(String(args.id)),
  }),
);

builder.mutationField('upsertUser', (t) =>
  t.field({
    ...scope('admin'),
    type: UserRef,
    description: "Creates a user or replaces the user's attributes.",
    args: { user: t.arg({ type: UserInput, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.catalog.upsertUser(args.user),
  }),
);

builder.mutationField('deleteUser', (t) =>
  t.field({
    ...scope('admin'),
    type: DeleteUserResult,
    description: 'Forgets a user: deletes the user, their interactions and the impressions served to them.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.catalog.deleteUser(String(args.id)),
  }),
);
