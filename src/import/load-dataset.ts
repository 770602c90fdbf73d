/**
 * A whole dataset in memory, through the same parsers as `recgate import`: for benchmarks,
 * offline evaluation and tests, which want the data without a database.
 */
import { DEFAULT_SIGNAL_POLICY, signalWeight, type SignalPolicy } from '../interactions/signal-policy.js';
import type { CatalogItem, InteractionRecord } from '../strategies/contract.js';
import { openImportSource } from './import-formats.js';
import type { BadRow, ItemRow } from './rows.js';
import { catalogueRows, interactionRows, placeholderItem } from './source-rows.js';

export interface LoadDatasetOptions {
  /** How raw interactions become learning weights. @default DEFAULT_SIGNAL_POLICY */
  readonly signalPolicy?: SignalPolicy;
  /** Read at most this many data lines of the interactions file. @default no limit */
  readonly limit?: number;
  /** The items file, for the csv format. @default none */
  readonly itemsFile?: string;
}

export interface LoadedDataset {
  /**
   * The catalogue file's items in file order, then placeholders for items that only
   * interactions mention. `createdAt` is the item's first interaction in the data (the
   * dataset's first interaction for items nobody touched; 0 when there are none), so the
   * same files always give the same dataset.
   */
  readonly items: CatalogItem[];
  /** In file order, with weights from the signal policy. */
  readonly interactions: InteractionRecord[];
  /** Rows that failed validation, in the order they were read (catalogue first). */
  readonly badRows: BadRow[];
}

export async function loadDataset(format: string, path: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const policy = options.signalPolicy ?? DEFAULT_SIGNAL_POLICY;
  const source = await openImportSource(format, path, { itemsFile: options.itemsFile });
  const badRows: BadRow[] = [];
  const itemRows = new Map<string, ItemRow>();
  for await (const parsed of catalogueRows(source)) {
    if (parsed.ok) itemRows.set(parsed.row.externalId, parsed.row);
    else badRows.push(parsed.bad);
  }

  const interactions: InteractionRecord[] = [];
  const firstInteraction = new Map<string, number>();
  for await (const parsed of interactionRows(source, { limit: options.limit })) {
    if (!parsed.ok) {
      badRows.push(parsed.bad);
      continue;
    }
    const row = parsed.row;
    if (!itemRows.has(row.itemId)) itemRows.set(row.itemId, placeholderItem(row.itemId));
    const first = firstInteraction.get(row.itemId);
    if (first === undefined || row.occurredAt < first) firstInteraction.set(row.itemId, row.occurredAt);
    interactions.push(
      Object.freeze({
        userId: row.userId,
        itemId: row.itemId,
        type: row.type,
        value: row.value,
        weight: signalWeight(policy, row.type, row.value),
        occurredAt: row.occurredAt,
      }),
    );
  }

  let datasetStart = Infinity;
  for (const t of firstInteraction.values()) if (t < datasetStart) datasetStart = t;
  if (datasetStart === Infinity) datasetStart = 0;
  const items = [...itemRows.values()].map((row): CatalogItem =>
    Object.freeze({
      id: row.externalId,
      title: row.title,
      description: row.description,
      categories: Object.freeze([...(row.categories ?? [])]),
      attributes: Object.freeze({ ...row.attributes }),
      embedding: null,
      active: true,
      createdAt: firstInteraction.get(row.externalId) ?? datasetStart,
    }),
  );
  return { items, interactions, badRows };
}
