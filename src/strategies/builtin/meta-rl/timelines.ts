/**
 * Users as tasks: each user's interactions in time order (the history the encoder reads and the
 * logged actions), with discounted returns, and the impressions recgate logged for the user,
 * each placed after the interactions that preceded it.
 */
import type { ImpressionRecord, InteractionRecord } from '../../contract.js';
import { discountedReturns } from './off-policy-correction.js';
import type { HistoryStep } from './history-input.js';
import { firstPositions } from './seen-mask.js';

export interface TimelineSlate {
  /** How many of the user's interactions came before the slate was shown (its state's index). */
  readonly before: number;
  /** When it was shown (the trend features' time). */
  readonly shownAt: number;
  /** Item row of each shown item (items without a row are left out). */
  readonly rows: readonly number[];
  /** Attributed reward of each (0: shown and ignored). */
  readonly rewards: readonly number[];
}

export interface UserTimeline {
  readonly userId: string;
  readonly steps: readonly HistoryStep[];
  /** R_t = r_t + γ R_{t+1} over the interactions' signal weights; length steps.length + 1 (the last 0). */
  readonly returns: Float32Array;
  /** Slates in time order. */
  readonly slates: readonly TimelineSlate[];
  /** Each item row's first position in `steps` (seen-mask.ts). */
  readonly first: ReadonlyMap<number, number>;
}

/** Index of the first interaction at or after `time` (binary search). */
function interactionsBefore(steps: readonly HistoryStep[], time: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]!.occurredAt < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function buildTimelines(
  interactions: readonly InteractionRecord[],
  impressions: readonly ImpressionRecord[],
  rowOf: ReadonlyMap<string, number>,
  gamma: number,
): UserTimeline[] {
  const stepsOf = new Map<string, HistoryStep[]>();
  for (const r of interactions) {
    let steps = stepsOf.get(r.userId);
    if (!steps) stepsOf.set(r.userId, (steps = []));
    steps.push({ row: rowOf.get(r.itemId) ?? -1, type: r.type, weight: r.weight, occurredAt: r.occurredAt });
  }
  const slatesOf = new Map<string, Omit<TimelineSlate, 'before'>[]>();
  for (const impression of impressions) {
    if (!stepsOf.has(impression.userId)) stepsOf.set(impression.userId, []);
    const rows: number[] = [];
    const rewards: number[] = [];
    for (const shown of impression.items) {
      const row = rowOf.get(shown.itemId);
      if (row === undefined) continue;
      rows.push(row);
      rewards.push(shown.reward);
    }
    if (rows.length === 0) continue;
    let slates = slatesOf.get(impression.userId);
    if (!slates) slatesOf.set(impression.userId, (slates = []));
    slates.push({ shownAt: impression.shownAt, rows, rewards });
  }
  const timelines: UserTimeline[] = [];
  for (const [userId, unsorted] of stepsOf) {
    const steps = [...unsorted].sort((a, b) => a.occurredAt - b.occurredAt);
    const returns = new Float32Array(steps.length + 1);
    returns.set(
      discountedReturns(
        steps.map((s) => s.weight),
        gamma,
      ),
    );
    const slates = (slatesOf.get(userId) ?? [])
      .map(({ shownAt, rows, rewards }) => ({ before: interactionsBefore(steps, shownAt), shownAt, rows, rewards }))
      .sort((a, b) => a.before - b.before);
    timelines.push({ userId, steps, returns, slates, first: firstPositions(steps.map((s) => s.row)) });
  }
  // Map iteration follows first appearance, which follows the reader's order: deterministic.
  return timelines;
}
