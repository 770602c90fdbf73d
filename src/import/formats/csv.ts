/**
 * recgate's own CSV layout, for data from anywhere: an interactions file with the header
 * `user,item,type,value,ts` (any column order; `value` may be empty or absent; `ts` unix
 * seconds or ISO 8601 with a zone) and, optionally (`--items`), an items file
 * `item,title,description,categories` with `|`-separated categories.
 */
import { z } from 'zod';
import { FEEDBACK_TYPES } from '../../interactions/feedback-type.js';
import { readCsvHeader, validatedCsvRows, type CsvColumns } from '../csv-records.js';
import { externalIdSchema, numberTextSchema, splitCategories, timestampTextSchema } from '../field-schemas.js';
import type { ImportFormat, InteractionRow, ItemRow, ParsedRow } from '../rows.js';
import { requireFile } from '../source-files.js';

const interactionSchema = z.object({
  user: externalIdSchema,
  item: externalIdSchema,
  type: z
    .string()
    .trim()
    .pipe(z.enum(FEEDBACK_TYPES, { error: (issue) => `is ${JSON.stringify(issue.input)}, not one of ${FEEDBACK_TYPES.join(', ')}` })),
  value: z
    .string()
    .optional()
    .transform((text, ctx): number | null => {
      if (text === undefined || text.trim() === '') return null;
      const parsed = numberTextSchema.safeParse(text);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]!.message });
      return z.NEVER;
    }),
  ts: timestampTextSchema,
});

const itemSchema = z.object({
  item: externalIdSchema,
  title: z.string().trim().optional(),
  description: z.string().trim().optional(),
  categories: z.string().optional(),
});

export const csvFormat: ImportFormat = {
  name: 'csv',
  description: 'a CSV file with header user,item,type,value,ts; items optionally from --items <file> (item,title,description,categories)',
  async open(path, options) {
    const interactionsFile = await requireFile(path);
    const columns = await readCsvHeader(interactionsFile.path, ['user', 'item', 'type', 'ts'], ['value']);
    const itemsFile = options?.itemsFile === undefined ? null : await requireFile(options.itemsFile);
    const itemColumns: CsvColumns<'item' | 'title' | 'description' | 'categories'> | null =
      itemsFile === null ? null : await readCsvHeader(itemsFile.path, ['item'], ['title', 'description', 'categories']);
    return {
      format: 'csv',
      files: itemsFile === null ? [interactionsFile.path] : [interactionsFile.path, itemsFile.path],
      interactionBytes: interactionsFile.bytes,
      async *items(): AsyncGenerator<ParsedRow<ItemRow>> {
        if (itemsFile === null || itemColumns === null) return;
        yield* validatedCsvRows(itemsFile.path, itemColumns, itemSchema, (v) => ({
          externalId: v.item,
          title: v.title === undefined || v.title === '' ? v.item : v.title,
          description: v.description ?? '',
          categories: v.categories === undefined ? null : splitCategories(v.categories),
          attributes: {},
        }));
      },
      async *interactions(progress): AsyncGenerator<ParsedRow<InteractionRow>> {
        yield* validatedCsvRows(
          interactionsFile.path,
          columns,
          interactionSchema,
          (v) => ({
            userId: v.user,
            itemId: v.item,
            type: v.type,
            value: v.value,
            occurredAt: v.ts,
            userAttributes: null,
            details: {},
          }),
          progress,
        );
      },
    };
  },
};
