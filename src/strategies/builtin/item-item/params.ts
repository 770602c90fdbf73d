import { z } from 'zod';

export const ITEM_ITEM_METHODS = ['auto', 'ease', 'knn'] as const;
export type ItemItemMethod = (typeof ITEM_ITEM_METHODS)[number];

/** Params of the item-item strategy. See docs/strategies/item-item.md. */
export const itemItemParams = z
  .object({
    /**
     * `ease`: the closed-form EASE model (catalogues up to EASE_MAX_ITEMS items); `knn`: cosine
     * item-kNN (up to KNN_MAX_ITEMS); `auto`: EASE when the catalogue fits its closed form, kNN beyond.
     * @default 'auto'
     */
    method: z.enum(ITEM_ITEM_METHODS).default('auto'),
    /** EASE's L2 penalty lambda on the item-item weights (Steck uses 100 to 1000). @default 250 */
    lambda: z.number().positive().max(1e7).default(250),
    /** Neighbours kept per item in the artifact and for serving (the rest are pruned). @default 100 */
    neighbours: z.number().int().min(1).max(1_000).default(100),
  })
  .strict();

export type ItemItemParams = z.output<typeof itemItemParams>;
