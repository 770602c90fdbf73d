/**
 * Readers over arrays already in memory. The offline evaluator trains strategies on a split
 * held in memory through these, and the conformance suite and benchmarks use them too; the
 * gateway uses the database-backed readers in `src/db/`.
 */
import type { CatalogItem, CatalogReader, CatalogView, InteractionReader, InteractionRecord, ItemFilter, ScanOptions } from './contract.js';

const inWindow = (r: InteractionRecord, o: ScanOptions | undefined): boolean =>
  (o?.since === undefined || r.occurredAt >= o.since) && (o?.until === undefined || r.occurredAt < o.until);

/** Interactions from an array; sorted oldest first (stable) once, at construction. */
export function arrayInteractionReader(records: readonly InteractionRecord[]): InteractionReader {
  const sorted = [...records].sort((a, b) => a.occurredAt - b.occurredAt);
  return {
    async *scan(options) {
      const size = options?.batchSize ?? 10_000;
      let batch: InteractionRecord[] = [];
      for (const r of sorted) {
        if (!inWindow(r, options)) continue;
        batch.push(r);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async count(options) {
      return sorted.filter((r) => inWindow(r, options)).length;
    },
  };
}

export function arrayCatalogReader(items: readonly CatalogItem[]): CatalogReader {
  const frozen = Object.freeze([...items]);
  return { items: async () => frozen };
}

/** Read every interaction of a reader into one array (oldest first). */
export async function readAllInteractions(reader: InteractionReader, options?: ScanOptions): Promise<InteractionRecord[]> {
  const all: InteractionRecord[] = [];
  for await (const batch of reader.scan(options)) for (const r of batch) all.push(r);
  return all;
}

/** An in-memory catalogue view: O(1) lookups and category filtering. */
export function createCatalogView(items: readonly CatalogItem[]): CatalogView {
  const byId = new Map<string, CatalogItem>();
  for (const item of items) byId.set(item.id, item);
  const active = Object.freeze(items.filter((i) => i.active));
  return {
    get: (id) => byId.get(id),
    active,
    matches(id: string, filter: ItemFilter): boolean {
      const item = byId.get(id);
      if (!item || !item.active) return false;
      const wanted = filter.categories;
      if (!wanted || wanted.length === 0) return true;
      return item.categories.some((c) => wanted.includes(c));
    },
  };
}
