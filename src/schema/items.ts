/** Catalogue items: the `Item` type, `item`, `items` (cursor connection) and `upsertItems`. */
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import type { CatalogItem } from '../strategies/contract.js';
import { toCatalogItem } from '../db/item-mapping.js';
import { MAX_LIMIT } from '../serving/input-schemas.js';
import { parseInput } from '../serving/validation.js';
import { z } from 'zod';
import { builder } from './builder.js';
import { collectTitleMatches, titleContains, titleContainsFilter } from '../catalog/title-search.js';

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
    type: ItemRef,
    nullable: true,
    description: 'One item by its external id, or null.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const row = await ctx.services.db.prisma.item.findUnique({
        where: { externalId: String(args.id) },
        include: { categories: { select: { name: true }, orderBy: { name: 'asc' } } },
      });
      return row ? { ...toCatalogItem(row), updatedAt: row.updatedAt } : null;
    },
  }),
);

builder.queryField('items', (t) =>
  t.connection({
    type: ItemRef,
    description: `Items in catalogue order, at most ${MAX_LIMIT} per page.`,
    args: { filter: t.arg({ type: ItemFilter, required: false }) },
    resolve: async (_root, args, ctx) => {
      const filter = parseInput(itemFilterSchema, args.filter, 'filter');
      parseInput(pageSize, args.first, 'first');
      parseInput(pageSize, args.last, 'last');
      const text = filter?.titleContains ?? undefined;
      const prisma = ctx.services.db.prisma;
      const where = {
        ...(filter?.categories?.length ? { categories: { some: { name: { in: filter.categories } } } } : {}),
        ...(filter?.active !== undefined && filter?.active !== null ? { active: filter.active } : {}),
        ...(text ? { title: titleContainsFilter(ctx.services.db.provider, text) } : {}),
      };
      return resolveCursorConnection(
        { args, toCursor: (item: ItemShape & { dbId: number }) => String(item.dbId), maxSize: MAX_LIMIT, defaultSize: 20 },
        async ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
          const cursor = (c: string | undefined) => (c !== undefined && /^\d+$/.test(c) ? Number(c) : undefined);
          // Rows after `lastId` in page order (ascending ids, descending when paging backwards).
          const readBatch = async (lastId: number | undefined, take: number) => {
            const rows = await prisma.item.findMany({
              where: {
                ...where,
                id: inverted ? { lt: lastId ?? cursor(before), gt: cursor(after) } : { lt: cursor(before), gt: lastId ?? cursor(after) },
              },
              orderBy: { id: inverted ? 'desc' : 'asc' },
              take,
              include: { categories: { select: { name: true }, orderBy: { name: 'asc' } } },
            });
            return rows.map((row) => ({ ...toCatalogItem(row), updatedAt: row.updatedAt, dbId: row.id }));
          };
          if (!text) return readBatch(undefined, limit);
          return collectTitleMatches(readBatch, (item) => titleContains(item.title, text), limit);
        },
      );
    },
  }),
);

builder.mutationField('upsertItems', (t) =>
  t.field({
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
