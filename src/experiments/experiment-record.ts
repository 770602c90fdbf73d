/**
 * An experiment as stored (`Experiment` row) and as the rest of recgate sees it: the spec
 * (validated when written, trusted when read), its status and its history.
 */
import type { ExperimentSpec } from './spec.js';

export const EXPERIMENT_STATUSES = ['DRAFT', 'RUNNING', 'PAUSED', 'STOPPED'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** RUNNING and PAUSED experiments hold their surfaces and namespace ranges. */
export const ACTIVE_STATUSES: readonly ExperimentStatus[] = ['RUNNING', 'PAUSED'];

export interface ExperimentRecord {
  readonly id: number;
  readonly status: ExperimentStatus;
  readonly spec: ExperimentSpec;
  readonly phase: number;
  readonly phaseStartedAt: Date | null;
  readonly startedAt: Date | null;
  readonly stoppedAt: Date | null;
  readonly archivedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ExperimentRow {
  id: number;
  key: string;
  name: string;
  hypothesis: string;
  status: string;
  surfaces: unknown;
  coverage: number;
  seed: string | null;
  namespace: string | null;
  rangeStart: number;
  rangeEnd: number;
  variants: unknown;
  controlVariant: string;
  primaryMetric: string;
  guardrailMetrics: unknown;
  conversionType: string;
  forcedVariants: unknown;
  phase: number;
  phaseStartedAt: Date | null;
  startedAt: Date | null;
  stoppedAt: Date | null;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

export function recordOf(row: ExperimentRow): ExperimentRecord {
  const spec = {
    key: row.key,
    name: row.name,
    hypothesis: row.hypothesis,
    surfaces: json<string[]>(row.surfaces),
    coverage: row.coverage,
    seed: row.seed,
    namespace: row.namespace === null ? null : { name: row.namespace, range: [row.rangeStart, row.rangeEnd] as [number, number] },
    variants: json<ExperimentSpec['variants']>(row.variants),
    control: row.controlVariant,
    primaryMetric: row.primaryMetric,
    guardrailMetrics: json<string[]>(row.guardrailMetrics),
    conversionType: row.conversionType,
    forcedVariants: json<Record<string, string>>(row.forcedVariants),
  } as ExperimentSpec;
  return {
    id: row.id,
    status: row.status as ExperimentStatus,
    spec,
    phase: row.phase,
    phaseStartedAt: row.phaseStartedAt,
    startedAt: row.startedAt,
    stoppedAt: row.stoppedAt,
    archivedAt: row.archivedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The columns a spec is stored in. */
export function columnsOf(spec: ExperimentSpec) {
  return {
    name: spec.name,
    hypothesis: spec.hypothesis,
    surfaces: [...spec.surfaces],
    coverage: spec.coverage,
    seed: spec.seed,
    namespace: spec.namespace?.name ?? null,
    rangeStart: spec.namespace?.range[0] ?? 0,
    rangeEnd: spec.namespace?.range[1] ?? 1,
    variants: spec.variants.map((v) => ({ key: v.key, weight: v.weight, serving: v.serving })),
    controlVariant: spec.control,
    primaryMetric: spec.primaryMetric,
    guardrailMetrics: [...spec.guardrailMetrics],
    conversionType: spec.conversionType,
    forcedVariants: { ...spec.forcedVariants },
  };
}
