/**
 * An experiment phase's per-variant sums (statistics/variant-sums.ts), in one SQL statement
 * that aggregates in the database: impressions of the phase -> the feedback naming them
 * (clicks, conversions, reward inside the attribution window) -> one row per user -> one row
 * per variant with the sums, sums of squares and cross products the statistics need. Only
 * one row per variant leaves the database, so a million impressions cost what the engine
 * needs to scan them (bench/experiments.ts).
 *
 * Reward follows RECGATE_REWARD_WEIGHTS / _WINDOW_SECONDS / _DEFAULT exactly as the
 * meta-policy's attribution does: the sum of the weights of feedback naming the slate within
 * the window, or the default when none did. CUPED's covariate is the user's reward-weighted
 * feedback (any slate or none) in the lookback before the phase started.
 */
import type { Database } from '../db/index.js';
import { FEEDBACK_TYPES, type FeedbackType } from '../interactions/feedback-type.js';
import type { VariantSums } from './statistics/index.js';

export interface MetricsQueryOptions {
  readonly experiment: string;
  readonly phase: number;
  /** Feedback type the conversions metric counts. */
  readonly conversionType: FeedbackType;
  readonly rewardWeights: Readonly<Record<FeedbackType, number>>;
  readonly rewardWindowMs: number;
  readonly defaultReward: number;
  /** Compute the pre-exposure covariate: set to the phase start to enable CUPED. */
  readonly preExposure?: { readonly before: Date; readonly lookbackMs: number } | null;
}

/** CUPED's default lookback before the phase start. @default 28 days */
export const DEFAULT_PRE_EXPOSURE_LOOKBACK_MS = 28 * 24 * 3600 * 1000;

/** The columns the sums query returns per variant. */
type SumColumn = 'users' | 'n' | 'n2' | 'c' | 'c2' | 'cn' | 'r' | 'r2' | 'rn' | 'k' | 'k2' | 'kn' | 'x' | 'x2' | 'nx' | 'cx' | 'rx' | 'kx';
type SumRow = Record<SumColumn, unknown> & { v: string };

function rewardCase(weights: Readonly<Record<FeedbackType, number>>): string {
  // Weights are validated finite numbers; inlining them keeps one prepared shape per config.
  const arms = FEEDBACK_TYPES.map((t) => `WHEN '${t}' THEN ${Number(weights[t])}`).join(' ');
  return `(CASE f."type" ${arms} ELSE 0 END)`;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value === null || value === undefined) return 0;
  return Number(String(value));
}

/**
 * The statement for one engine; `p(i)` renders the i-th (1-based) value of `values`:
 * PostgreSQL's `$i`, or a positional `?` (its value appended) for SQLite's driver.
 */
function statement(provider: 'sqlite' | 'postgres', options: MetricsQueryOptions, values: readonly unknown[]): { sql: string; params: unknown[] } {
  const pg = provider === 'postgres';
  // SQLite: a marker first, turned into `?` with its value in textual order at the end.
  const p = (i: number) => (pg ? `$${i}` : `{{${i}}}`);
  const real = (expr: string) => (pg ? `(${expr})::float8` : `CAST(${expr} AS REAL)`);
  const withinWindow = pg
    ? `f."occurredAt" <= i."createdAt" + CAST(${p(4)} AS float8) * interval '1 millisecond'`
    : `f."occurredAt" - i."createdAt" <= ${p(4)}`;
  const weight = pg ? `CAST(${rewardCase(options.rewardWeights)} AS float8)` : rewardCase(options.rewardWeights);
  const pre = options.preExposure
    ? `, pre AS (
        SELECT us."externalId" AS u, SUM(${weight}) AS x
        FROM "Interaction" f JOIN "User" us ON us."id" = f."userId"
        WHERE f."occurredAt" < ${pg ? `CAST(${p(6)} AS timestamp(3))` : p(6)} AND f."occurredAt" >= ${pg ? `CAST(${p(7)} AS timestamp(3))` : p(7)}
          AND us."externalId" IN (SELECT u FROM shown)
        GROUP BY us."externalId"
      )`
    : '';
  const x = options.preExposure ? 'COALESCE(pre.x, 0)' : '0';
  // Two passes that each read what they need once: impressions per user straight off the
  // (experimentKey, experimentPhase, experimentVariant, userExternalId) index, in order, and
  // the feedback, which names few impressions, joined to its impressions by primary key.
  const exp = `i."experimentKey" = ${p(1)} AND i."experimentPhase" = ${p(2)}`;
  const sql = `
    WITH shown AS (
      SELECT i."experimentVariant" AS v, i."userExternalId" AS u, COUNT(*) AS n
      FROM "Impression" i WHERE ${exp}
      GROUP BY i."experimentVariant", i."userExternalId"
    ),
    fb AS (
      SELECT i."experimentVariant" AS v, i."userExternalId" AS u, f."impressionId" AS id,
        SUM(CASE WHEN f."type" = 'click' THEN 1 ELSE 0 END) AS clicks,
        SUM(CASE WHEN f."type" = ${p(3)} THEN 1 ELSE 0 END) AS conversions,
        SUM(CASE WHEN ${withinWindow} THEN ${weight} ELSE 0 END) AS reward,
        MAX(CASE WHEN ${withinWindow} THEN 1 ELSE 0 END) AS rewarded
      FROM "Interaction" f JOIN "Impression" i ON i."id" = f."impressionId"
      WHERE f."impressionId" IS NOT NULL AND ${exp}
      GROUP BY i."experimentVariant", i."userExternalId", f."impressionId"
    ),
    fb_user AS (
      SELECT v, u, SUM(clicks) AS c, SUM(conversions) AS k,
        SUM(CASE WHEN rewarded = 1 THEN reward ELSE 0 END) AS r, SUM(rewarded) AS rewarded
      FROM fb GROUP BY v, u
    ),
    per_user AS (
      -- Slates without feedback in the window earn the default reward.
      SELECT shown.v AS v, shown.u AS u, shown.n AS n,
        COALESCE(fb_user.c, 0) AS c, COALESCE(fb_user.k, 0) AS k,
        COALESCE(fb_user.r, 0) + ${pg ? `CAST(${p(5)} AS float8)` : p(5)} * (shown.n - COALESCE(fb_user.rewarded, 0)) AS r
      FROM shown LEFT JOIN fb_user ON fb_user.v = shown.v AND fb_user.u = shown.u
    )${pre},
    per_user_x AS (
      SELECT per_user.v, per_user.n, per_user.c, per_user.r, per_user.k, ${x} AS x
      FROM per_user${options.preExposure ? ' LEFT JOIN pre ON pre.u = per_user.u' : ''}
    )
    SELECT v,
      ${real('COUNT(*)')} AS users,
      ${real('SUM(n)')} AS n, ${real('SUM(n * n)')} AS n2,
      ${real('SUM(c)')} AS c, ${real('SUM(c * c)')} AS c2, ${real('SUM(c * n)')} AS cn,
      ${real('SUM(r)')} AS r, ${real('SUM(r * r)')} AS r2, ${real('SUM(r * n)')} AS rn,
      ${real('SUM(k)')} AS k, ${real('SUM(k * k)')} AS k2, ${real('SUM(k * n)')} AS kn,
      ${real('SUM(x)')} AS x, ${real('SUM(x * x)')} AS x2,
      ${real('SUM(n * x)')} AS nx, ${real('SUM(c * x)')} AS cx, ${real('SUM(r * x)')} AS rx, ${real('SUM(k * x)')} AS kx
    FROM per_user_x GROUP BY v`;
  if (pg) return { sql, params: [...values] };
  const params: unknown[] = [];
  return { sql: sql.replace(/\{\{(\d+)\}\}/g, (_, i: string) => (params.push(values[Number(i) - 1]), '?')), params };
}

/** Per-variant sums of the experiment phase; variants without users are absent. */
export async function queryVariantSums(db: Database, options: MetricsQueryOptions): Promise<Map<string, VariantSums>> {
  const pg = db.provider === 'postgres';
  const params: unknown[] = [options.experiment, options.phase, options.conversionType, options.rewardWindowMs, options.defaultReward];
  if (options.preExposure) {
    const before = options.preExposure.before;
    const from = new Date(before.getTime() - options.preExposure.lookbackMs);
    // SQLite stores instants as Unix milliseconds; PostgreSQL as UTC timestamp(3).
    params.push(...(pg ? [before.toISOString().replace('Z', ''), from.toISOString().replace('Z', '')] : [before.getTime(), from.getTime()]));
  }
  const { sql, params: bound } = statement(db.provider, options, params);
  const rows = (await db.prisma.$queryRawUnsafe(sql, ...bound)) as SumRow[];
  const out = new Map<string, VariantSums>();
  for (const row of rows) {
    const n = (c: SumColumn) => toNumber(row[c]);
    out.set(row.v, {
      users: n('users'),
      sum: { impressions: n('n'), clicks: n('c'), reward: n('r'), conversions: n('k') },
      sumSquares: { impressions: n('n2'), clicks: n('c2'), reward: n('r2'), conversions: n('k2') },
      sumTimesImpressions: { impressions: n('n2'), clicks: n('cn'), reward: n('rn'), conversions: n('kn') },
      preSum: n('x'),
      preSumSquares: n('x2'),
      sumTimesPre: { impressions: n('nx'), clicks: n('cx'), reward: n('rx'), conversions: n('kx') },
    });
  }
  return out;
}
