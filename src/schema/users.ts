/** Users: `user`, `upsertUser`, and `deleteUser` (a user may ask to be forgotten). */
import { builder } from './builder.js';
import { ItemRef } from './items.js';
import { FeedbackTypeEnum } from './feedback-type.js';
import { toCatalogItem } from '../db/item-mapping.js';
import { MAX_LIMIT } from '../serving/input-schemas.js';
import type { FeedbackType } from '../interactions/feedback-type.js';

interface UserShape {
  readonly id: string;
  readonly dbId: number | null;
  readonly attributes: unknown;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const InteractionRef = builder.objectRef<{
  type: FeedbackType;
  value: number | null;
  occurredAt: Date;
  impressionId: string | null;
  item: Parameters<typeof toCatalogItem>[0];
}>('Interaction');

InteractionRef.implement({
  description: 'Something a user did with an item.',
  fields: (t) => ({
    item: t.field({ type: ItemRef, resolve: (i) => toCatalogItem(i.item) }),
    type: t.field({ type: FeedbackTypeEnum, resolve: (i) => i.type }),
    value: t.exposeFloat('value', { nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    impressionId: t.exposeID('impressionId', { nullable: true }),
  }),
});

const UserRef = builder.objectRef<UserShape>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    attributes: t.field({ type: 'JSON', resolve: (u) => u.attributes }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    interactionCount: t.int({
      resolve: (u, _args, ctx) => (u.dbId === null ? 0 : ctx.services.db.prisma.interaction.count({ where: { userId: u.dbId } })),
    }),
    recentInteractions: t.field({
      type: [InteractionRef],
      description: `The user's latest interactions, newest first (at most ${MAX_LIMIT}).`,
      args: { limit: t.arg.int({ defaultValue: 20 }) },
      resolve: async (u, args, ctx) => {
        if (u.dbId === null) return [];
        const take = Math.max(1, Math.min(MAX_LIMIT, args.limit ?? 20));
        const rows = await ctx.services.db.prisma.interaction.findMany({
          where: { userId: u.dbId },
          orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
          take,
          include: { item: { include: { categories: { select: { name: true }, orderBy: { name: 'asc' } } } } },
        });
        return rows.map((r) => ({ type: r.type as FeedbackType, value: r.value, occurredAt: r.occurredAt, impressionId: r.impressionId, item: r.item }));
      },
    }),
  }),
});

const UserInput = builder.inputType('UserInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    attributes: t.field({ type: 'JSON', required: false }),
  }),
});

const DeleteUserResult = builder
  .objectRef<{ deleted: boolean; interactions: number; impressions: number }>('DeleteUserResult')
  .implement({
    fields: (t) => ({
      deleted: t.exposeBoolean('deleted', { description: 'False when nothing was stored for this user.' }),
      interactions: t.exposeInt('interactions', { description: 'Interactions deleted.' }),
      impressions: t.exposeInt('impressions', { description: 'Impressions deleted.' }),
    }),
  });

builder.queryField('user', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const row = await ctx.services.db.prisma.user.findUnique({ where: { externalId: String(args.id) } });
      return row ? { id: row.externalId, dbId: row.id, attributes: row.attributes, createdAt: row.createdAt, updatedAt: row.updatedAt } : null;
    },
  }),
);

builder.mutationField('upsertUser', (t) =>
  t.field({
    type: UserRef,
    description: "Creates a user or replaces the user's attributes.",
    args: { user: t.arg({ type: UserInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const u = await ctx.services.catalog.upsertUser(args.user);
      const row = await ctx.services.db.prisma.user.findUnique({ where: { externalId: u.id }, select: { id: true } });
      return { ...u, dbId: row?.id ?? null };
    },
  }),
);

builder.mutationField('deleteUser', (t) =>
  t.field({
    type: DeleteUserResult,
    description: 'Forgets a user: deletes the user, their interactions and the impressions served to them.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.catalog.deleteUser(String(args.id)),
  }),
);
