/**
 * Identifies the data a model was trained on: interaction count, newest interaction time and
 * catalogue size within the training window. Equal fingerprints mean "nothing new to learn".
 */
import type { Database } from '../db/index.js';

export interface DataWindow {
  /** ms epoch, inclusive. */
  readonly since?: number;
  /** ms epoch, exclusive. */
  readonly until?: number;
}

export async function computeDataFingerprint(db: Database, window: DataWindow = {}): Promise<string> {
  const occurredAt = {
    ...(window.since !== undefined ? { gte: new Date(window.since) } : {}),
    ...(window.until !== undefined ? { lt: new Date(window.until) } : {}),
  };
  const where = Object.keys(occurredAt).length > 0 ? { occurredAt } : {};
  const [stats, items] = await Promise.all([
    db.prisma.interaction.aggregate({ where, _count: { _all: true }, _max: { occurredAt: true, id: true } }),
    db.prisma.item.count(),
  ]);
  const newest = stats._max.occurredAt ? stats._max.occurredAt.getTime() : 0;
  // The highest id catches a replaced interaction that leaves count and newest time alone.
  return `interactions=${stats._count._all};newest=${newest};maxId=${stats._max.id ?? 0};items=${items}`;
}
