/**
 * The impression log as JSON lines or CSV, for analysis elsewhere: one line per slate with
 * its context features, chosen strategy, propensity, model version, items (positions and
 * scores) and, once attributed, its reward. Read in pages, written as it goes.
 */
import type { Database } from '../db/index.js';
import { jsonColumn } from '../json-value.js';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const IMPRESSION_COLUMNS = [
  'id',
  'createdAt',
  'userId',
  'surface',
  'strategy',
  'modelVersion',
  'propensity',
  'variant',
  'features',
  'context',
  'items',
  'reward',
  'rewardedAt',
] as const;

const PAGE = 2_000;

export type ExportedImpression = Record<(typeof IMPRESSION_COLUMNS)[number], unknown>;

/** Every impression, oldest first. */
export async function* readImpressions(db: Database): AsyncGenerator<ExportedImpression> {
  let cursor: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const page: Array<{
      id: string;
      createdAt: Date;
      userExternalId: string;
      surface: string;
      strategy: string;
      modelVersion: string | null;
      propensity: number;
      variant: string | null;
      features: unknown;
      context: unknown;
      items: unknown;
      reward: number | null;
      rewardedAt: Date | null;
    }> = await db.prisma.impression.findMany({
      where: cursor ? { OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] } : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: PAGE,
    });
    for (const r of page) {
      yield {
        id: r.id,
        createdAt: r.createdAt.toISOString(),
        userId: r.userExternalId,
        surface: r.surface,
        strategy: r.strategy,
        modelVersion: r.modelVersion,
        propensity: r.propensity,
        variant: r.variant,
        features: jsonColumn(r.features) ?? null,
        context: jsonColumn(r.context),
        items: jsonColumn(r.items),
        reward: r.reward,
        rewardedAt: r.rewardedAt?.toISOString() ?? null,
      };
    }
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
  }
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Lines of the export (header first for CSV), each ending in a newline. */
export async function* formatImpressions(rows: AsyncIterable<ExportedImpression>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield `${IMPRESSION_COLUMNS.join(',')}\n`;
  for await (const row of rows) {
    yield format === 'jsonl' ? `${JSON.stringify(row)}\n` : `${IMPRESSION_COLUMNS.map((c) => csvCell(row[c])).join(',')}\n`;
  }
}
