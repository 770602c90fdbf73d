/**
 * When a candidate replaces the live version: only when it beats it on the held-out metric
 * configured for its strategy. A candidate without that metric (too little data to hold
 * any out) is promoted only where nothing is live yet.
 */
import type { ModelVersionSummary } from './model-version.js';

export type PromotionDecision = { readonly promote: true; readonly reason: string } | { readonly promote: false; readonly reason: string };

/** The metric promotion compares for `strategy`: its own entry, else `default`. */
export function promotionMetricFor(strategy: string, metrics: Readonly<Record<string, string>>): string {
  return metrics[strategy] ?? metrics.default ?? 'heldOutNdcgAt10';
}

export function decidePromotion(
  candidate: Pick<ModelVersionSummary, 'metrics'>,
  live: Pick<ModelVersionSummary, 'id' | 'metrics'> | null,
  metric: string,
): PromotionDecision {
  if (!live) return { promote: true, reason: 'no live version yet' };
  const mine = candidate.metrics[metric];
  const theirs = live.metrics[metric];
  if (mine === undefined) return { promote: false, reason: `candidate has no ${metric}` };
  if (theirs === undefined) return { promote: true, reason: `live version ${live.id} has no ${metric}` };
  return mine > theirs
    ? { promote: true, reason: `${metric} ${mine.toFixed(4)} > ${theirs.toFixed(4)} of ${live.id}` }
    : { promote: false, reason: `${metric} ${mine.toFixed(4)} does not beat ${theirs.toFixed(4)} of ${live.id}` };
}
