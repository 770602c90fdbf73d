/**
 * Online Retail (UCI, via the CRAN package `onlineretail`): a directory with
 * `purchases.csv.gz` (`customer_id,stock_code,invoice_no,ts_unix_utc,quantity,unit_price_gbp,country`)
 * and `items.csv` (`stock_code,description,n_purchase_rows`). Every line is a purchase whose
 * value is the quantity; the customer's country becomes a user attribute.
 */
import { z } from 'zod';
import { readCsvHeader, validatedCsvRows } from '../csv-records.js';
import { externalIdSchema, numberTextSchema, positiveIntegerTextSchema, unixSecondsSchema } from '../field-schemas.js';
import type { ImportFormat, InteractionRow, ItemRow, ParsedRow } from '../rows.js';
import { requireDirectoryFiles } from '../source-files.js';

const PURCHASE_COLUMNS = ['customer_id', 'stock_code', 'invoice_no', 'ts_unix_utc', 'quantity', 'unit_price_gbp', 'country'] as const;
const ITEM_COLUMNS = ['stock_code', 'description'] as const;

const purchaseSchema = z.object({
  customer_id: externalIdSchema,
  stock_code: externalIdSchema,
  invoice_no: z.string().trim().min(1, { error: 'is empty' }),
  ts_unix_utc: unixSecondsSchema,
  quantity: positiveIntegerTextSchema,
  unit_price_gbp: numberTextSchema.pipe(z.number().min(0, { error: 'is negative' })),
  country: z.string().trim(),
});

const itemSchema = z.object({
  stock_code: externalIdSchema,
  description: z.string().trim(),
});

export const onlineRetailFormat: ImportFormat = {
  name: 'online-retail',
  description: 'a directory with purchases.csv.gz (customer_id,stock_code,invoice_no,ts_unix_utc,quantity,unit_price_gbp,country) and items.csv',
  async open(path) {
    const files = await requireDirectoryFiles(path, ['purchases.csv.gz', 'items.csv'], 'online-retail');
    const purchasesFile = files['purchases.csv.gz'].path;
    const itemsFile = files['items.csv'].path;
    const purchaseColumns = await readCsvHeader(purchasesFile, PURCHASE_COLUMNS);
    // n_purchase_rows is a statistic of this snapshot, not a property of the product.
    const itemColumns = await readCsvHeader(itemsFile, ITEM_COLUMNS, ['n_purchase_rows']);
    return {
      format: 'online-retail',
      files: [purchasesFile, itemsFile],
      interactionBytes: files['purchases.csv.gz'].bytes,
      async *items(): AsyncGenerator<ParsedRow<ItemRow>> {
        yield* validatedCsvRows(itemsFile, itemColumns, itemSchema, ({ stock_code, description }) => ({
          externalId: stock_code,
          // 112 stock codes never had a description; the code is the best name there is.
          title: description === '' ? stock_code : description,
          description: '',
          categories: null,
          attributes: {},
        }));
      },
      async *interactions(progress): AsyncGenerator<ParsedRow<InteractionRow>> {
        yield* validatedCsvRows(
          purchasesFile,
          purchaseColumns,
          purchaseSchema,
          (p) => ({
            userId: p.customer_id,
            itemId: p.stock_code,
            type: 'purchase',
            value: p.quantity,
            occurredAt: p.ts_unix_utc,
            userAttributes: p.country === '' ? null : { country: p.country },
            details: { invoice: p.invoice_no, unitPriceGbp: p.unit_price_gbp },
          }),
          progress,
        );
      },
    };
  },
};
