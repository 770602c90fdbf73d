/**
 * User segments the admin API and the replay benchmark report probabilities for: one per
 * interaction-count bucket when `interactions` is a declared feature, else one for all
 * requests. A segment's probabilities are the mean distribution of the requests this process
 * decided in it recently (an exponential moving average over about the last 50), because a
 * real request's distribution also depends on its other features (surface, hour, ...).
 */
import type { ContextFeatures } from './context-features.js';

export const SEGMENT_BUCKETS = ['0', '1-4', '5-19', '20-99', '100+'] as const;
export const ALL_REQUESTS = 'all requests';

/** Weight of the newest request in a segment's moving average. */
const EMA_WEIGHT = 0.02;

export const segmentName = (bucket: string): string => (bucket === '0' ? 'new users' : `${bucket} interactions`);

export function policySegments(declared: readonly string[]): string[] {
  return declared.includes('interactions') ? SEGMENT_BUCKETS.map(segmentName) : [ALL_REQUESTS];
}

export function segmentOf(features: ContextFeatures): string {
  const bucket = features.interactions;
  return bucket === undefined ? ALL_REQUESTS : segmentName(bucket);
}

/** Moving averages of the decided distributions, per segment. */
export class SegmentProbabilities {
  readonly #means = new Map<string, Map<string, number>>();

  record(segment: string, probabilities: ReadonlyMap<string, number>): void {
    const mean = this.#means.get(segment);
    if (!mean) {
      this.#means.set(segment, new Map(probabilities));
      return;
    }
    for (const arm of new Set([...mean.keys(), ...probabilities.keys()])) {
      mean.set(arm, (1 - EMA_WEIGHT) * (mean.get(arm) ?? 0) + EMA_WEIGHT * (probabilities.get(arm) ?? 0));
    }
  }

  /** Null until a request of this segment was decided here. */
  get(segment: string): ReadonlyMap<string, number> | null {
    return this.#means.get(segment) ?? null;
  }

  clear(): void {
    this.#means.clear();
  }
}
