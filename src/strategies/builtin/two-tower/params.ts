import { z } from 'zod';
import type { SearchSpace } from '../../contract.js';

/**
 * Params of the two-tower strategy. Every source of randomness (initial weights, the order of
 * examples in each epoch, which item ids are dropped) derives from `TrainContext.seed`, so
 * there is deliberately no seed param: the host's seed governs, and the same seed on the same
 * data and backend gives the same artifact.
 */
export const twoTowerParamsSchema = z
  .object({
    /**
     * Passes over all positive interactions. Absent: enough passes for about
     * `AUTO_EPOCH_EXAMPLES` examples in all (at least 3, at most 100), stopped early when held-out positives stop ranking better, so a small dataset
     * is not left at a few hundred steps (docs/strategies/two-tower.md, "Why it failed").
     * @default automatic
     */
    epochs: z.number().int().min(1).max(1000).optional(),
    /** Dimension of user and item vectors (and of the id and token embeddings). @default 64 */
    dim: z.number().int().min(2).max(1024).default(64),
    /** Units of each tower's hidden layer. @default 64 */
    hiddenUnits: z.number().int().min(1).max(4096).default(64),
    /**
     * Examples per step; the other items of the batch are each example's negatives, so a
     * larger batch means more (and harder) negatives. @default 1024
     */
    batchSize: z.number().int().min(2).max(16384).default(1024),
    /** Adam's step size (dense weights and embedding rows alike). @default 0.01 */
    learningRate: z.number().positive().max(1).default(0.01),
    /** Softmax temperature over cosine similarities; lower is sharper. @default 0.05 */
    temperature: z.number().positive().max(10).default(0.05),
    /** Most recent positive interactions the user tower reads. @default 30 */
    historyLength: z.number().int().min(1).max(1000).default(30),
    /** Buckets of the hashed text-token table. @default 16384 */
    textHashBuckets: z
      .number()
      .int()
      .min(16)
      .max(1 << 22)
      .default(16384),
    /** Text tokens kept per item. @default 48 */
    maxTextTokens: z.number().int().min(1).max(1024).default(48),
    /**
     * Probability that a training example's item id is hidden from the item tower, so the
     * item tower learns to place items from text and embedding alone. Absent: 0 when training
     * validates (no `epochs` given), 0.25 when it does not. The two go with the popularity
     * prior, which only validation can choose: on the long-tail reproduction of issue 11, 0.25
     * with the prior scored 0.2626 nDCG@10 (prior weight chosen: 0), 0 without it 0.2365, and
     * 0 with it 0.2781 (docs/strategies/two-tower.md, "Why it failed"). New items are placed
     * by their text through the towers' skip connections either way (the cold-start test).
     * @default automatic
     */
    idDropout: z.number().min(0).max(0.95).optional(),
    /**
     * Subtract log(popularity) from each in-batch logit (Yi et al. 2019), so popular items
     * are not over-penalised for appearing as negatives more often. @default true
     */
    logQCorrection: z.boolean().default(true),
    /**
     * Per-user adaptation (`adapt`, docs/strategies/two-tower.md "Per-user adaptation"):
     * gradient steps fitting an offset to the user vector on the user's own positive items.
     * 0 switches it off, and serving then also ignores adapted state stored earlier. Off by
     * default because, measured on MovieTweetings, it ranks the user's next item worse (it
     * helps only on a random hold-out of the user's items). @default 0
     */
    adaptSteps: z.number().int().min(0).max(100).default(0),
    /** Step size of the adaptation's gradient steps. @default 0.005 */
    adaptLearningRate: z.number().positive().max(10).default(0.005),
    /**
     * L2 pull of the adapted vector towards the tower's (on their difference), so a user with
     * one or two items is not overfitted to them. @default 1
     */
    adaptL2: z.number().min(0).max(1000).default(1),
  })
  .strict();

export type TwoTowerParams = z.output<typeof twoTowerParamsSchema>;

/** Examples (with repeats) an automatic number of epochs aims at: ~1,500 steps of 1,024. */
export const AUTO_EPOCH_EXAMPLES = 1_500_000;
const AUTO_EPOCHS_MIN = 3;
const AUTO_EPOCHS_MAX = 100;

/** The id dropout a run trains with: the param, or 0 with early stopping (and its popularity prior) and 0.25 without. */
export function idDropoutFor(params: Pick<TwoTowerParams, 'idDropout' | 'epochs'>): number {
  return params.idDropout ?? (params.epochs === undefined ? 0 : 0.25);
}

/** The epochs a run trains: the param, or the automatic count for `examples` positives. */
export function epochsFor(params: Pick<TwoTowerParams, 'epochs'>, examples: number): number {
  if (params.epochs !== undefined) return params.epochs;
  return Math.min(AUTO_EPOCHS_MAX, Math.max(AUTO_EPOCHS_MIN, Math.round(AUTO_EPOCH_EXAMPLES / Math.max(1, examples))));
}

/** What model search tries (docs/model-search.md); the rest keep their configured values. */
export const TWO_TOWER_SEARCH_SPACE: SearchSpace = {
  learningRate: { kind: 'float', min: 0.002, max: 0.05, log: true },
  epochs: { kind: 'int', min: 3, max: 40, log: true },
  temperature: { kind: 'float', min: 0.02, max: 0.3, log: true },
  dim: { kind: 'choice', values: [32, 64, 128] },
  idDropout: { kind: 'float', min: 0, max: 0.5 },
};
