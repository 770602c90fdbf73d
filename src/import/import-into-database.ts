/**
 * `recgate import`: streams a source into the database in batched transactions.
 *
 * - Catalogue first (items upserted by external id, categories replaced), then interactions
 *   in batches of `batchSize` rows, each batch one transaction: unknown users created,
 *   placeholder items for unknown items, interactions inserted with
 *   `ON CONFLICT ("idempotencyKey") DO NOTHING`. Keys derive from row content, so a re-run
 *   inserts nothing and reports the rows as already present.
 * - Default: bad rows are skipped and reported. `strict`: a first pass validates every row
 *   without writing and any bad row aborts with `RG_ERR_IMPORT_BAD_ROWS`, so nothing is
 *   written. Two passes rather than one big transaction keep memory at one batch for any
 *   file size, and never hold the write lock (SQLite has one per database) for a whole
 *   import while the gateway takes feedback; the price is parsing the files twice.
 */
import { z } from 'zod';
import type { Database } from '../db/index.js';
import { rgError } from '../errors.js';
import { createIdempotencyKeys } from './idempotency-key.js';
import { openImportSource } from './import-formats.js';
import type { ImportSummary } from './import-summary.js';
import { insertInteractions } from '../db/interaction-insert.js';
import { ensureItems, upsertItems } from './item-upsert.js';
import type { FeedbackBounds } from '../interactions/feedback-bounds.js';
import { formatBadRow, type BadRow, type ImportSource, type InteractionRow, type ItemRow, type JsonObject } from './rows.js';
import { catalogueRows, interactionRows, type InteractionRowsOptions } from './source-rows.js';
import { ensureUsers, type UserState } from './user-upsert.js';

export interface ImportProgress {
  readonly phase: 'validating' | 'importing';
  /** Bytes of the interactions file read (compressed bytes for .gz). */
  readonly bytesRead: number;
  readonly totalBytes: number;
}

export interface ImportOptions {
  /** Abort on the first pass if any row is bad, writing nothing. @default false */
  readonly strict?: boolean;
  /** Interaction rows (and catalogue rows) per transaction. @default 5000 */
  readonly batchSize?: number;
  /** Read at most this many data lines of the interactions file. @default no limit */
  readonly limit?: number;
  /** The items file, for the csv format. @default none */
  readonly itemsFile?: string;
  /** How many bad rows the summary keeps in full; the rest are counted. @default 20 */
  readonly reportBadRows?: number;
  /** Accepted interaction times and values; rows outside them are bad rows. @default DEFAULT_FEEDBACK_BOUNDS */
  readonly bounds?: FeedbackBounds;
  /** Told about every bad row as it is found. */
  readonly onBadRow?: (bad: BadRow) => void;
  /** Told how far the interactions file has been read. */
  readonly onProgress?: (progress: ImportProgress) => void;
}

const optionsSchema = z.object({
  batchSize: z.number().int().min(1).max(100_000).default(5000),
  limit: z.number().int().min(0).optional(),
  reportBadRows: z.number().int().min(0).default(20),
});

// One batch must fit easily; the default 5 s of an interactive transaction does not on a busy machine.
const TRANSACTION = { maxWait: 60_000, timeout: 600_000 } as const;

interface KeyedInteraction {
  readonly row: InteractionRow;
  readonly idempotencyKey: string;
}

/** Opens `path` as `format` (checking its files) and imports it. */
export async function importIntoDatabase(db: Database, format: string, path: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const source = await openImportSource(format, path, { itemsFile: options.itemsFile });
  return importSource(db, source, options, started);
}

/** Imports an opened source (see `openImportSource`). */
export async function importSource(
  db: Database,
  source: ImportSource,
  options: Omit<ImportOptions, 'itemsFile'> = {},
  started = performance.now(),
): Promise<ImportSummary> {
  const parsedOptions = optionsSchema.safeParse({
    batchSize: options.batchSize,
    limit: options.limit,
    reportBadRows: options.reportBadRows,
  });
  if (!parsedOptions.success) {
    const issue = parsedOptions.error.issues[0]!;
    throw rgError('RG_ERR_INVALID_INPUT', { path: issue.path.join('.'), reason: issue.message });
  }
  const { batchSize, limit, reportBadRows } = parsedOptions.data;
  const strict = options.strict ?? false;

  const bad = { count: 0, first: [] as BadRow[], earliest: null as BadRow | null };
  const noteBad = (row: BadRow): void => {
    bad.count += 1;
    bad.earliest ??= row;
    if (bad.first.length < reportBadRows) bad.first.push(row);
    options.onBadRow?.(row);
  };
  const progress = (phase: ImportProgress['phase']) => (bytesRead: number) => options.onProgress?.({ phase, bytesRead, totalBytes: source.interactionBytes });

  if (strict) {
    await validateAll(source, { limit, bounds: options.bounds, progress: progress('validating') }, noteBad);
    if (bad.earliest !== null) {
      throw rgError('RG_ERR_IMPORT_BAD_ROWS', { count: bad.count, first: formatBadRow(bad.earliest) });
    }
  }

  const provider = db.provider;
  const itemIds = new Map<string, number>();
  let itemsUpserted = 0;
  let itemsCreated = 0;
  const writeItems = async (rows: ItemRow[]): Promise<void> => {
    itemsCreated += await db.prisma.$transaction((tx) => upsertItems(tx, provider, rows, itemIds, new Date()), TRANSACTION);
    itemsUpserted += rows.length;
  };
  let itemBatch: ItemRow[] = [];
  for await (const parsed of catalogueRows(source)) {
    if (!parsed.ok) {
      noteBad(parsed.bad);
      continue;
    }
    itemBatch.push(parsed.row);
    if (itemBatch.length >= batchSize) {
      await writeItems(itemBatch);
      itemBatch = [];
    }
  }
  if (itemBatch.length > 0) await writeItems(itemBatch);

  const keyOf = createIdempotencyKeys(source.format);
  const users: UserState = { ids: new Map(), writtenAttributes: new Map() };
  let rowsRead = 0;
  let inserted = 0;
  let offered = 0;
  let usersCreated = 0;
  let placeholders = 0;
  const writeInteractions = async (rows: KeyedInteraction[]): Promise<void> => {
    const result = await db.prisma.$transaction(async (tx) => {
      const now = new Date();
      const batchUsers = new Map<string, JsonObject | null>();
      for (const { row } of rows) batchUsers.set(row.userId, row.userAttributes ?? batchUsers.get(row.userId) ?? null);
      const newUsers = await ensureUsers(tx, provider, batchUsers, users, now);
      const newItems = await ensureItems(
        tx,
        provider,
        rows.map((r) => r.row.itemId),
        itemIds,
        now,
      );
      const stored = await insertInteractions(
        tx,
        provider,
        now,
        rows.map(({ row, idempotencyKey }) => ({
          userId: users.ids.get(row.userId)!,
          itemId: itemIds.get(row.itemId)!,
          type: row.type,
          value: row.value,
          occurredAt: new Date(row.occurredAt),
          impressionId: null,
          idempotencyKey,
        })),
      );
      const added = stored.filter((id) => id !== null).length;
      return { newUsers, newItems, added };
    }, TRANSACTION);
    usersCreated += result.newUsers;
    placeholders += result.newItems;
    inserted += result.added;
    offered += rows.length;
  };
  // One batch is written while the next one is parsed: on PostgreSQL the server's work and
  // ours overlap. Never two writes at once: a batch may use ids the previous one created,
  // which another connection cannot see before that transaction commits.
  let writing: Promise<void> = Promise.resolve();
  const write = async (rows: KeyedInteraction[]): Promise<void> => {
    await writing;
    writing = writeInteractions(rows);
    // Handled here so a failure waits for the next `await writing` instead of crashing the process.
    writing.catch(() => {});
  };
  let batch: KeyedInteraction[] = [];
  for await (const parsed of interactionRows(source, { limit, bounds: options.bounds, progress: progress('importing') })) {
    rowsRead += 1;
    if (!parsed.ok) {
      noteBad(parsed.bad);
      continue;
    }
    batch.push({ row: parsed.row, idempotencyKey: keyOf(parsed.row) });
    if (batch.length >= batchSize) {
      await write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await write(batch);
  await writing;

  const durationMs = performance.now() - started;
  return {
    format: source.format,
    files: source.files,
    strict,
    rowsRead,
    interactions: { inserted, alreadyPresent: offered - inserted },
    items: { upserted: itemsUpserted, created: itemsCreated + placeholders, placeholders },
    users: { seen: users.ids.size, created: usersCreated },
    badRows: { count: bad.count, first: bad.first },
    durationMs,
    rowsPerSecond: durationMs > 0 ? (rowsRead * 1000) / durationMs : 0,
  };
}

/** The strict first pass: every row parsed and checked, nothing kept but the bad ones. */
async function validateAll(source: ImportSource, rows: InteractionRowsOptions, noteBad: (row: BadRow) => void): Promise<void> {
  for await (const parsed of catalogueRows(source)) if (!parsed.ok) noteBad(parsed.bad);
  for await (const parsed of interactionRows(source, rows)) if (!parsed.ok) noteBad(parsed.bad);
}
