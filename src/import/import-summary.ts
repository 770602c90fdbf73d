/** What an import did, and its one text rendering (the CLI prints it, docs quote it). */
import { formatBadRow, type BadRow } from './rows.js';

export interface ImportSummary {
  readonly format: string;
  readonly files: readonly string[];
  readonly strict: boolean;
  /** Interaction data lines read (good and bad). */
  readonly rowsRead: number;
  readonly interactions: {
    readonly inserted: number;
    /** Rows whose idempotency key was already stored: imported by an earlier run. */
    readonly alreadyPresent: number;
  };
  readonly items: {
    /** Catalogue rows written (inserted or updated). */
    readonly upserted: number;
    /** Of all items written, how many did not exist before (placeholders included). */
    readonly created: number;
    /** Items created only because interactions mention them. */
    readonly placeholders: number;
  };
  readonly users: {
    /** Distinct users in the interactions read. */
    readonly seen: number;
    readonly created: number;
  };
  readonly badRows: {
    /** Bad rows skipped, catalogue and interactions together. */
    readonly count: number;
    /** The first ones, in reading order. */
    readonly first: readonly BadRow[];
  };
  readonly durationMs: number;
  /** Interaction rows read per second of the whole run. */
  readonly rowsPerSecond: number;
}

const n = (value: number): string => value.toLocaleString('en-US');

export function formatImportSummary(summary: ImportSummary): string {
  const s = summary;
  const lines = [
    `Imported ${s.format} from ${s.files.join(', ')}`,
    `  interactions: ${n(s.interactions.inserted)} inserted, ${n(s.interactions.alreadyPresent)} already present` +
      (s.interactions.alreadyPresent > 0 && s.interactions.inserted === 0 ? ' (nothing new: an earlier import has them)' : ''),
    `  bad rows:     ${n(s.badRows.count)} skipped`,
    `  items:        ${n(s.items.upserted)} from the catalogue, ${n(s.items.created)} new` +
      (s.items.placeholders > 0 ? ` (${n(s.items.placeholders)} placeholders for items only interactions mention)` : ''),
    `  users:        ${n(s.users.seen)} seen, ${n(s.users.created)} new`,
    `  time:         ${(s.durationMs / 1000).toFixed(1)} s, ${n(Math.round(s.rowsPerSecond))} rows/s (${n(s.rowsRead)} rows read)`,
  ];
  return lines.join('\n');
}

/** Bad rows as report lines: the first ones in full, then a count of the rest. */
export function formatBadRows(count: number, first: readonly BadRow[]): string[] {
  const lines = first.map(formatBadRow);
  if (count > first.length) lines.push(`... and ${n(count - first.length)} more bad row(s)`);
  return lines;
}
