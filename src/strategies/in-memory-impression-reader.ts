/**
 * An impression log over an array already in memory, for tests, benchmarks and the offline
 * evaluator; the gateway reads the `Impression` table (src/db/impression-reader.ts).
 */
import type { ImpressionReader, ImpressionRecord, ScanOptions } from './contract.js';

const inWindow = (r: ImpressionRecord, o: ScanOptions | undefined): boolean =>
  (o?.since === undefined || r.shownAt >= o.since) && (o?.until === undefined || r.shownAt < o.until);

/** Impressions from an array; sorted oldest first (stable) once, at construction. */
export function arrayImpressionReader(records: readonly ImpressionRecord[]): ImpressionReader {
  const sorted = [...records].sort((a, b) => a.shownAt - b.shownAt);
  return {
    async *scan(options) {
      const size = options?.batchSize ?? 10_000;
      for (let start = 0; start < sorted.length; start += size) {
        const batch = sorted.slice(start, start + size).filter((r) => inWindow(r, options));
        if (batch.length > 0) yield batch;
      }
    },
    async count(options) {
      return sorted.filter((r) => inWindow(r, options)).length;
    },
  };
}

/** Every impression of a reader (absent: none), oldest first. */
export async function readAllImpressions(reader: ImpressionReader | undefined, options?: ScanOptions): Promise<ImpressionRecord[]> {
  const all: ImpressionRecord[] = [];
  if (!reader) return all;
  for await (const batch of reader.scan(options)) for (const r of batch) all.push(r);
  return all;
}
