import { z } from 'zod';
import type { SearchSpace } from '../../contract.js';

/**
 * Params of the meta-rl strategy. Randomness (initial weights, the order of users, negatives,
 * support sizes) derives from `TrainContext.seed`; there is no seed param.
 *
 * Two groups: training params (change them and retrain) and the serving-time adaptation params
 * `adaptSteps` / `adaptLearningRate`, read when a model is loaded: switching adaptation off or
 * changing its steps takes effect on the next load, with the same artifact.
 */
export const metaRlParamsSchema = z
  .object({
    /** Dimension of the item representations (the two-tower item tower's output). @default 32 */
    dim: z.number().int().min(2).max(256).default(32),
    /** Passes of the item tower's own training (the two-tower modules) before the policy's. @default 2 */
    towerEpochs: z.number().int().min(1).max(100).default(2),
    /** Hidden units of the item tower. @default 32 */
    towerHiddenUnits: z.number().int().min(1).max(1024).default(32),
    /** Buckets of the item tower's hashed text tokens. @default 8192 */
    textHashBuckets: z
      .number()
      .int()
      .min(16)
      .max(1 << 20)
      .default(8192),
    /**
    /**
     * The item tower reads items' text, categories and precomputed embeddings; false blanks them
     * so items are represented by their ids alone (the ablation "without the big model's
     * representations"; new items then have no representation). @default true
     */
    itemContent: z.boolean().default(true),
    /** Hidden units of the GRU state encoder (the state s). @default 32 */
    stateUnits: z.number().int().min(2).max(512).default(32),
    /**
     * The state also holds the user's taste: the mean representation of every item they
     * interacted with positively, over the whole history (state-encoder.ts). It carries users
     * whose order says little (data without timestamps, long histories); false: the GRU's
     * state alone (the ablation). @default true
     */
    taste: z.boolean().default(true),
    /** Most recent interactions the GRU of the state encoder reads. @default 20 */
    historyLength: z.number().int().min(1).max(200).default(20),
    /** Passes over every user's timeline. @default 3 */
    epochs: z.number().int().min(1).max(200).default(3),
    /**
     * The most logged actions training goes through, over all passes: a larger log gets fewer
     * passes, and one too large for a single pass one pass over a random share of its tasks, so
     * training time stays bounded on any data (about 1,800 actions per second on one core of
     * the development machine: 2,000,000 is about 20 minutes). @default 2000000
     */
    maxActions: z.number().int().min(1000).max(1e9).default(2_000_000),
    /** Later interactions per task whose loss the outer loop minimises (the query). @default 10 */
    queryLength: z.number().int().min(1).max(200).default(10),
    /** Tasks (user windows) per outer step. @default 32 */
    batchSize: z.number().int().min(1).max(4096).default(32),
    /** Adam's step size for the shared (slow) weights. @default 0.005 */
    learningRate: z.number().positive().max(1).default(0.005),
    /** Sampled negatives per outer step (shared by the batch), drawn by popularity^0.75 with logQ correction. @default 256 */
    negatives: z.number().int().min(1).max(65536).default(256),
    /**
     * γ, the discount of the return R_t = r_t + γ R_{t+1}. Every item of a slate shares the
     * slate's future, so with γ > 0 an item shown and ignored is credited with what the user
     * did next anyway: on the synthetic log of test/strategies/meta-rl.test.ts, γ = 0.5 ranked
     * such items higher than training without the log, γ = 0 much lower. @default 0
     */
    gamma: z.number().min(0).max(1).default(0),
    /** c, the cap of the importance ratio π/β. @default 5 */
    ratioCap: z.number().positive().max(1e6).default(5),
    /** K, the slate size of the top-K correction λ_K = K(1−π)^(K−1). @default 10 */
    slateSize: z.number().int().min(1).max(1000).default(10),
    /** Apply min(π/β, c)·λ_K (false: plain REINFORCE with the V(s) baseline, the ablation). @default true */
    offPolicyCorrection: z.boolean().default(true),
    /** Scale of the REINFORCE term in the policy's loss. @default 1 */
    reinforceWeight: z.number().min(0).max(1000).default(1),
    /**
     * Scale of the supervised next-interaction term (softmax cross-entropy on the positive
     * interactions, Xin et al. 2020): the logged data of a site without impressions has only
     * positive actions, whose advantage R − V(s) averages zero, so without it the policy would
     * learn from impressions alone. 0 switches it off. @default 1
     */
    supervisedWeight: z.number().min(0).max(1000).default(1),
    /**
     * Train and adapt on the softmax serving ranks over: items the user had already interacted
     * with are left out of the candidates, and actions on them (re-watches, re-purchases) are
     * skipped, since serving excludes seen items. @default true
     */
    maskSeen: z.boolean().default(true),
    /** Learn from recgate's impression log when the host provides one. @default true */
    useImpressions: z.boolean().default(true),
    /**
     * Meta-train the policy head's initial values (MAML over users as tasks); false
     * trains conventionally (the head is still fine-tuned by `adapt`: the ablation). @default true
     */
    metaLearning: z.boolean().default(true),
    /**
     * Take the query's gradient back through the inner steps (MAML with the exact
     * Hessian-vector products of the head's softmax); false: first-order MAML. @default true
     */
    secondOrder: z.boolean().default(true),
    /**
     * Meta-learn a step size per fast weight with the start (Meta-SGD): the inner loop, and
     * `adapt`, step weight i by α·r_i; false keeps every r_i at 1 (plain SGD). Off by default:
     * on the long-tail reproduction it took stratified nDCG@10 from 0.196 to 0.131 (0.181 to
     * 0.142 with the taste), and adaptation still did not help in the cold-start table
     * (docs/strategies/meta-rl.md). @default false
     */
    learnedStepSizes: z.boolean().default(false),
    /** Inner-loop SGD steps during meta-training. @default 3 */
    innerSteps: z.number().int().min(0).max(50).default(3),
    /** Inner-loop step size during meta-training. @default 0.5 */
    innerLearningRate: z.number().positive().max(100).default(0.5),
    /** Largest support (interactions adapted on) of a meta-training task. @default 10 */
    maxSupport: z.number().int().min(0).max(200).default(10),
    /**
     * Serving time: SGD steps `adapt` runs on a user's history (the inner loop). 0 switches
     * adaptation off (no adapt jobs, stored state ignored) without retraining. @default 3
     */
    adaptSteps: z.number().int().min(0).max(50).default(3),
    /**
     * Serving time: step size α of `adapt`'s steps, which scales the meta-learned per-weight
     * multipliers (weight i moves by α·r_i·∂L/∂θ_i). @default 0.5
     */
    adaptLearningRate: z.number().positive().max(100).default(0.5),
  })
  .strict();

export type MetaRlParams = z.output<typeof metaRlParamsSchema>;

/**
 * What model search may change (docs/model-search.md): the outer loop's step size and length, how
 * much history the GRU reads, and whether the state holds the taste, which helps on some data and
 * costs on other (docs/strategies/meta-rl.md). Early rungs train one pass (`epochs` at its
 * minimum). The adaptation settings are serving-time params and are not searched.
 */
export const META_RL_SEARCH_SPACE: SearchSpace = {
  learningRate: { kind: 'float', min: 0.002, max: 0.02, log: true },
  epochs: { kind: 'int', min: 1, max: 6 },
  historyLength: { kind: 'choice', values: [10, 20, 50] },
  taste: { kind: 'choice', values: [true, false] },
};
