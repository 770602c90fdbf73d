/**
 * The statistics survive restarts through `PolicySnapshot` rows: written periodically and at
 * shutdown, read at start when the store is empty (Redis keeps them while it runs; an
 * embedded gateway starts from the newest snapshot).
 */
import type { Database } from '../db/index.js';
import type { PolicyStatistics } from './statistics-store.js';
import type { ArmStatistics } from './sufficient-statistics.js';
import { jsonColumn } from '../json-value.js';

export const META_POLICY_NAME = 'meta-policy';

/** Snapshots kept per policy; older ones are pruned so a timer cannot grow the table forever. */
const KEEP = 10;

export async function saveSnapshot(db: Database, state: PolicyStatistics, policy = META_POLICY_NAME): Promise<void> {
  await db.prisma.policySnapshot.create({ data: { policy, state: JSON.parse(JSON.stringify(state)) } });
  const stale = await db.prisma.policySnapshot.findMany({
    where: { policy },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip: KEEP,
    select: { id: true },
  });
  if (stale.length > 0) await db.prisma.policySnapshot.deleteMany({ where: { id: { in: stale.map((r) => r.id) } } });
}

function parseState(value: unknown): PolicyStatistics | null {
  if (!value || typeof value !== 'object') return null;
  const raw = value as { arms?: unknown; floor?: unknown };
  if (!raw.arms || typeof raw.arms !== 'object') return null;
  const arms: Record<string, ArmStatistics> = {};
  for (const [arm, stats] of Object.entries(raw.arms as Record<string, unknown>)) {
    const s = stats as { sums?: Record<string, unknown>; updatedAt?: unknown };
    const sums: Record<string, number> = {};
    for (const [k, v] of Object.entries(s.sums ?? {})) if (typeof v === 'number' && Number.isFinite(v)) sums[k] = v;
    arms[arm] = { sums, updatedAt: typeof s.updatedAt === 'number' ? s.updatedAt : null };
  }
  return { arms, floor: typeof raw.floor === 'number' ? raw.floor : null };
}

export async function latestSnapshot(db: Database, policy = META_POLICY_NAME): Promise<{ state: PolicyStatistics; createdAt: Date } | null> {
  const row = await db.prisma.policySnapshot.findFirst({ where: { policy }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  if (!row) return null;
  const state = jsonColumn(row.state);
  const parsed = parseState(state);
  return parsed ? { state: parsed, createdAt: row.createdAt } : null;
}
