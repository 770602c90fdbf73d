/**
 * The held-out step every training run takes, so every strategy gets comparable metrics:
 * a temporal leave-last-out split (each user's last interaction is the test), the strategy
 * trained on the rest and scored at k = 10 exactly as offline evaluation does.
 */
import { isRecgateError } from '../errors.js';
import { evaluateStrategies } from '../evaluation/offline/index.js';
import type { CatalogItem, InteractionRecord, Logger } from '../strategies/contract.js';
import type { RegisteredStrategy } from '../strategies/registry.js';

/** The split promotion compares versions on (model search never looks at its test side). */
export const HELD_OUT_PROTOCOL = 'temporal' as const;

export interface HeldOutOptions {
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly log?: Logger;
  /** 0..100 within this step. */
  readonly onProgress?: (percent: number) => void;
}

/** `heldOutNdcgAt10`, `heldOutRecallAt10`, `heldOutHitRateAt10`, `heldOutUsers`; empty when too little data. */
export async function evaluateHeldOut(
  entry: RegisteredStrategy,
  interactions: readonly InteractionRecord[],
  items: readonly CatalogItem[],
  options: HeldOutOptions,
): Promise<Record<string, number>> {
  try {
    const result = await evaluateStrategies({
      strategies: [{ definition: entry.definition, params: entry.params }],
      interactions,
      items,
      protocol: HELD_OUT_PROTOCOL,
      k: 10,
      seed: options.seed,
      signal: options.signal,
      log: options.log,
      onProgress: (p) => options.onProgress?.(p.phase === 'training' ? p.done * 0.7 : 70 + (30 * p.done) / Math.max(1, p.total)),
    });
    const evaluated = result.strategies[0]!;
    return {
      heldOutNdcgAt10: evaluated.metrics.ndcgAtK,
      heldOutRecallAt10: evaluated.metrics.recallAtK,
      heldOutHitRateAt10: evaluated.metrics.hitRateAtK,
      heldOutUsers: evaluated.users,
    };
  } catch (error) {
    if (isRecgateError(error) && error.code === 'RG_ERR_EVAL_NO_DATA') return {};
    throw error;
  }
}
