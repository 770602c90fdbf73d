/** Catalogue items: the `Item` type, `item`, `items` (cursor connection) and `upsertItems`. */
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import type { CatalogItem } from '../strategies/contract.js';
import type { StoredItem } from '../db/index.js';
import { MAX_LIMIT } from '../serving/input-schemas.js';
import { parseInput } from '../serving/validation.js';
import { z } from 'zod';
import { builder } from './builder.js';
import { scope } from '../auth/scopes.js';

/** Items as the API shows them: the catalogue record plus its internal cursor key. */
export interface ItemShape extends CatalogItem {
  readonly updatedAt?: Date;
}

export const ItemRef = builder.objectRef<ItemShape>('Item').implement({
  description: 'A recommendable item of the catalogue.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The external id, as given to upsertItems or an importer.' }),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    categories: t.stringList({ resolve: (item) => [...item.categories] }),
    attributes: t.field({ type: 'JSON', resolve: (item) => item.attributes }),
    active: t.exposeBoolean('active', { description: 'Inactive items are never recommended.' }),
    hasEmbedding: t.boolean({ description: 'True when a precomputed embedding was supplied.', resolve: (item) => item.embedding !== null }),
    createdAt: t.field({ type: 'DateTime', resolve: (item) => new Date(item.createdAt) }),
  }),
});

const ItemFilter = builder.inputType('ItemFilter', {
  fields: (t) => ({
    categories: t.stringList({ required: false, description: 'Items in at least one of these categories.' }),
    active: t.boolean({ required: false, description: 'Only active (true) or inactive (false) items.' }),
    titleContains: t.string({ required: false, description: 'Case-sensitive substring of the title, taken literally (% and _ are not wildcards).' }),
  }),
});

const itemFilterSchema = z
  .object({
    categories: z.array(z.string().min(1).max(128)).max(50).nullish(),
    active: z.boolean().nullish(),
    titleContains: z.string().min(1).max(200).nullish(),
  })
  .nullish();

const pageSize = z.number().int().min(0).max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`).nullish();

const ItemInput = builder.inputType('ItemInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string({ required: true }),
    description: t.string({ required: false }),
    categories: t.stringList({ required: false }),
    attributes: t.field({ type: 'JSON', required: false }),
    embedding: t.floatList({ required: false, description: 'Precomputed embedding (e.g. from a language model), up to 4096 numbers.' }),
    active: t.boolean({ required: false }),
  }),
});

builder.queryField('item', (t) =>
  t.field({
    ...scope('admin'),
    type: ItemRef,
    nullable: true,
    description: 'One item by its external id, or null.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.catalog.item(String(args.id)),
  }),
);

builder.queryField('items', (t) =>
  t.connection({
    ...scope('admin'),
    type: ItemRef,
    description: `Items in catalogue order, at most ${MAX_LIMIT} per page.`,
    args: { filter: t.arg({ type: ItemFilter, required: false }) },
    resolve: async (_root, args, ctx) => {
      const filter = parseInput(itemFilterSchema, args.filter, 'filter');
      parseInput(pageSize, args.first, 'first');
      parseInput(pageSize, args.last, 'last');
      return resolveCursorConnection(
        { args, toCursor: (item: StoredItem) => String(item.dbId), maxSize: MAX_LIMIT, defaultSize: 20 },
        ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
          const cursor = (c: string | undefined) => (c !== undefined && /^\d+$/.test(c) ? Number(c) : undefined);
          return ctx.services.catalog.items({ ...filter, before: cursor(before), after: cursor(after), limit, inverted });
        },
      );
    },
  }),
);

builder.mutationField('upsertItems', (t) =>
  t.field({
    ...scope('admin'),
    type: [ItemRef],
    description: 'Creates or replaces up to 1000 items (all fields; categories are replaced). All or nothing.',
    args: { items: t.arg({ type: [ItemInput], required: true }) },
    resolve: async (_root, args, ctx) => {
      const ids = await ctx.services.catalog.upsertItems(args.items);
      const view = ctx.services.catalogCache.view;
      return ids.map((id) => view.get(id)!);
    },
  }),
);
