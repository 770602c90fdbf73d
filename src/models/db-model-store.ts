/**
 * The model store in the database's `ModelVersion` table. Promotion and rollback are single
 * transactions, so there is never a moment with two live versions of a strategy.
 */
import type { Database } from '../db/index.js';
import { rgError } from '../errors.js';
import type { ListModelVersionsOptions, ModelStore } from './model-store.js';
import { MODEL_STATUSES, type ModelStatus, type ModelVersion, type ModelVersionSummary, type NewModelVersion } from './model-version.js';
import { modelVersionId } from './model-version-id.js';
import { jsonColumn } from '../json-value.js';

const SUMMARY_FIELDS = {
  id: true,
  strategy: true,
  strategyVersion: true,
  status: true,
  metrics: true,
  params: true,
  dataFingerprint: true,
  backend: true,
  durationMs: true,
  trainedAt: true,
  promotedAt: true,
  retiredAt: true,
} as const;

interface SummaryRow {
  id: string;
  strategy: string;
  strategyVersion: string;
  status: string;
  metrics: unknown;
  params: unknown;
  dataFingerprint: string;
  backend: string;
  durationMs: number;
  trainedAt: Date;
  promotedAt: Date | null;
  retiredAt: Date | null;
}

function toMetrics(value: unknown): Record<string, number> {
  const parsed = jsonColumn(value);
  const out: Record<string, number> = {};
  if (parsed && typeof parsed === 'object') {
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

function toStatus(value: string): ModelStatus {
  return (MODEL_STATUSES as readonly string[]).includes(value) ? (value as ModelStatus) : 'failed';
}

function toSummary(row: SummaryRow): ModelVersionSummary {
  return Object.freeze({
    id: row.id,
    strategy: row.strategy,
    strategyVersion: row.strategyVersion,
    status: toStatus(row.status),
    metrics: Object.freeze(toMetrics(row.metrics)),
    params: jsonColumn(row.params),
    dataFingerprint: row.dataFingerprint,
    backend: row.backend,
    durationMs: row.durationMs,
    trainedAt: row.trainedAt,
    promotedAt: row.promotedAt,
    retiredAt: row.retiredAt,
  });
}

export class DbModelStore implements ModelStore {
  constructor(private readonly db: Database) {}

  async saveCandidate(version: NewModelVersion): Promise<ModelVersionSummary> {
    const trainedAt = version.trainedAt ?? new Date();
    const row = await this.db.prisma.modelVersion.create({
      data: {
        id: modelVersionId(version.strategy, trainedAt),
        strategy: version.strategy,
        strategyVersion: version.strategyVersion,
        status: 'candidate',
        artifact: new Uint8Array(version.artifact),
        metrics: { ...version.metrics },
        params: (version.params ?? {}) as object,
        dataFingerprint: version.dataFingerprint,
        backend: version.backend,
        durationMs: Math.round(version.durationMs),
        trainedAt,
      },
      select: SUMMARY_FIELDS,
    });
    return toSummary(row);
  }

  async list(options: ListModelVersionsOptions = {}): Promise<ModelVersionSummary[]> {
    const rows = await this.db.prisma.modelVersion.findMany({
      where: {
        ...(options.strategy ? { strategy: options.strategy } : {}),
        ...(options.status ? { status: options.status } : {}),
      },
      orderBy: [{ trainedAt: 'desc' }, { id: 'desc' }],
      take: options.limit ?? 50,
      select: SUMMARY_FIELDS,
    });
    return rows.map(toSummary);
  }

  async getSummary(id: string): Promise<ModelVersionSummary | null> {
    const row = await this.db.prisma.modelVersion.findUnique({ where: { id }, select: SUMMARY_FIELDS });
    return row ? toSummary(row) : null;
  }

  async get(id: string): Promise<ModelVersion | null> {
    const row = await this.db.prisma.modelVersion.findUnique({ where: { id } });
    if (!row) return null;
    return Object.freeze({ ...toSummary(row), artifact: new Uint8Array(row.artifact) });
  }

  async getLive(strategy: string): Promise<ModelVersionSummary | null> {
    const row = await this.db.prisma.modelVersion.findFirst({
      where: { strategy, status: 'live' },
      orderBy: { promotedAt: 'desc' },
      select: SUMMARY_FIELDS,
    });
    return row ? toSummary(row) : null;
  }

  async liveIds(): Promise<Map<string, string>> {
    const rows = await this.db.prisma.modelVersion.findMany({ where: { status: 'live' }, select: { id: true, strategy: true } });
    return new Map(rows.map((r) => [r.strategy, r.id]));
  }

  async promote(id: string): Promise<ModelVersionSummary> {
    const row = await this.db.prisma.$transaction(async (tx) => {
      const target = await tx.modelVersion.findUnique({ where: { id }, select: { id: true, strategy: true, status: true } });
      if (!target) throw rgError('RG_ERR_MODEL_VERSION_UNKNOWN', { id });
      if (target.status === 'failed') throw rgError('RG_ERR_MODEL_PROMOTION', { id, reason: 'its training failed' });
      const now = new Date();
      await tx.modelVersion.updateMany({
        where: { strategy: target.strategy, status: 'live', id: { not: id } },
        data: { status: 'retired', retiredAt: now },
      });
      return tx.modelVersion.update({ where: { id }, data: { status: 'live', promotedAt: now, retiredAt: null }, select: SUMMARY_FIELDS });
    });
    return toSummary(row);
  }

  async rollback(strategy: string): Promise<ModelVersionSummary> {
    const row = await this.db.prisma.$transaction(async (tx) => {
      const previous = await tx.modelVersion.findFirst({
        where: { strategy, status: 'retired', promotedAt: { not: null } },
        orderBy: [{ promotedAt: 'desc' }],
        select: { id: true },
      });
      if (!previous) throw rgError('RG_ERR_MODEL_ROLLBACK', { strategy, reason: 'no earlier live version to return to' });
      const now = new Date();
      // The version rolled back from becomes a candidate again: a second rollback goes further
      // back instead of toggling, and `promote` can still bring it back.
      await tx.modelVersion.updateMany({ where: { strategy, status: 'live' }, data: { status: 'candidate', retiredAt: now } });
      return tx.modelVersion.update({ where: { id: previous.id }, data: { status: 'live', promotedAt: now, retiredAt: null }, select: SUMMARY_FIELDS });
    });
    return toSummary(row);
  }

  async retire(id: string): Promise<ModelVersionSummary> {
    const existing = await this.getSummary(id);
    if (!existing) throw rgError('RG_ERR_MODEL_VERSION_UNKNOWN', { id });
    const row = await this.db.prisma.modelVersion.update({
      where: { id },
      data: { status: 'retired', retiredAt: new Date() },
      select: SUMMARY_FIELDS,
    });
    return toSummary(row);
  }
}
