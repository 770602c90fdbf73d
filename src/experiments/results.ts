/**
 * An experiment's results from its per-variant sums: every metric per variant, each
 * treatment against the control (fixed-horizon with Holm across treatments, sequential,
 * Bayesian), guardrails flagged, and the sample-ratio check. Pure: the database part is
 * metrics-query.ts.
 */
import { METRICS, type MetricName } from './metric-names.js';
import {
  bayesian,
  compare,
  cupedAdjustment,
  cupedEstimate,
  DEFAULT_SEQUENTIAL_TUNING,
  estimateMetric,
  holmAdjust,
  sequentialInterval,
  srmCheck,
  type BayesianResult,
  type Comparison,
  type Interval,
  type MetricEstimate,
  type SrmCheck,
  type VariantSums,
} from './statistics/index.js';

export interface ResultsOptions {
  /** Two-sided significance level. @default 0.05 */
  readonly alpha?: number;
  /** Adjust mean metrics with each user's pre-exposure reward (CUPED). @default false */
  readonly cuped?: boolean;
  /** Users in total where the sequential intervals are tightest. @default 5000 */
  readonly sequentialTuning?: number;
}

export interface VariantTotals {
  readonly variant: string;
  readonly weight: number;
  readonly isControl: boolean;
  readonly users: number;
  readonly impressions: number;
  readonly clicks: number;
  readonly reward: number;
  readonly conversions: number;
}

export interface VariantComparison extends Comparison {
  /** Holm-adjusted across the treatments of this metric. */
  readonly adjustedPValue: number;
  /** Fixed-horizon: adjusted p-value below alpha. */
  readonly significant: boolean;
  readonly sequential: { readonly differenceInterval: Interval; readonly liftInterval: Interval; readonly pValue: number; readonly significant: boolean };
  readonly bayesian: BayesianResult;
}

export interface MetricVariantResult {
  readonly variant: string;
  readonly value: number;
  readonly standardError: number;
  /** Null for the control. */
  readonly comparison: VariantComparison | null;
}

export interface MetricResult {
  readonly metric: MetricName;
  readonly role: 'primary' | 'guardrail' | 'secondary';
  readonly cuped: boolean;
  readonly variants: readonly MetricVariantResult[];
  /** Guardrails only: treatments that are significantly worse than the control (fixed-horizon). */
  readonly violations: readonly string[];
}

export interface ExperimentResults {
  readonly alpha: number;
  readonly totals: readonly VariantTotals[];
  readonly srm: SrmCheck;
  readonly metrics: readonly MetricResult[];
}

export interface ResultsDesign {
  readonly variants: ReadonlyArray<{ readonly key: string; readonly weight: number }>;
  readonly control: string;
  readonly primaryMetric: MetricName;
  readonly guardrailMetrics: readonly MetricName[];
}

export function computeResults(design: ResultsDesign, sums: ReadonlyMap<string, VariantSums>, options: ResultsOptions = {}): ExperimentResults {
  const alpha = options.alpha ?? 0.05;
  const tuning = options.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING;
  const empty: VariantSums = { users: 0, sum: zero(), sumSquares: zero(), sumTimesImpressions: zero(), preSum: 0, preSumSquares: 0, sumTimesPre: zero() };
  const byVariant = design.variants.map((v) => ({ ...v, sums: sums.get(v.key) ?? empty }));
  const totals = byVariant.map((v): VariantTotals => ({
    variant: v.key,
    weight: v.weight,
    isControl: v.key === design.control,
    users: v.sums.users,
    impressions: v.sums.sum.impressions,
    clicks: v.sums.sum.clicks,
    reward: v.sums.sum.reward,
    conversions: v.sums.sum.conversions,
  }));
  const srm = srmCheck(
    byVariant.map((v) => v.sums.users),
    byVariant.map((v) => v.weight),
  );
  const totalUsers = byVariant.reduce((s, v) => s + v.sums.users, 0);
  const control = byVariant.find((v) => v.key === design.control)!;
  const treatments = byVariant.filter((v) => v.key !== design.control);

  const roleOf = (metric: MetricName): MetricResult['role'] =>
    metric === design.primaryMetric ? 'primary' : design.guardrailMetrics.includes(metric) ? 'guardrail' : 'secondary';
  const metrics = (Object.keys(METRICS) as MetricName[]).map((metric): MetricResult => {
    const adjustment = options.cuped
      ? cupedAdjustment(
          byVariant.map((v) => v.sums),
          metric,
        )
      : null;
    const estimate = (s: VariantSums): MetricEstimate => (adjustment ? cupedEstimate(s, metric, adjustment) : estimateMetric(s, metric));
    const controlEstimate = estimate(control.sums);
    const comparisons = treatments.map((t) => compare(estimate(t.sums), controlEstimate, alpha));
    const adjusted = holmAdjust(comparisons.map((c) => c.pValue));
    const results = new Map<string, VariantComparison>();
    treatments.forEach((t, i) => {
      const c = comparisons[i]!;
      const seqDiff = sequentialInterval(c.difference, c.differenceStandardError, totalUsers, alpha, tuning);
      const seqLift = sequentialInterval(c.lift, c.liftStandardError, totalUsers, alpha, tuning);
      results.set(t.key, {
        ...c,
        adjustedPValue: adjusted[i]!,
        significant: adjusted[i]! < alpha,
        sequential: {
          differenceInterval: seqDiff.interval,
          liftInterval: seqLift.interval,
          pValue: seqDiff.pValue,
          significant: seqDiff.interval[0] > 0 || seqDiff.interval[1] < 0,
        },
        bayesian: bayesian(c, alpha),
      });
    });
    const role = roleOf(metric);
    const variants = byVariant.map((v): MetricVariantResult => {
      const e = v.key === design.control ? controlEstimate : estimate(v.sums);
      return { variant: v.key, value: e.value, standardError: Math.sqrt(e.variance), comparison: results.get(v.key) ?? null };
    });
    const violations =
      role === 'guardrail'
        ? treatments
            .filter((t) => {
              const c = results.get(t.key)!;
              return c.significant && c.difference < 0;
            })
            .map((t) => t.key)
        : [];
    return { metric, role, cuped: adjustment !== null, variants, violations };
  });
  // Primary first, then guardrails, then the rest.
  const rank = { primary: 0, guardrail: 1, secondary: 2 } as const;
  metrics.sort((a, b) => rank[a.role] - rank[b.role]);
  return { alpha, totals, srm, metrics };
}

function zero() {
  return { impressions: 0, clicks: 0, reward: 0, conversions: 0 };
}
