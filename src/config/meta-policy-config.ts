/**
 * The meta-policy's configuration: environment variables (merged into the gateway's env
 * schema by `src/config/config.ts`) and the frozen value the policy runs with.
 */
import { z } from 'zod';
import { parseFeedbackTypeWeights } from './feedback-type-weights.js';
import { rgError } from '../errors.js';
import type { FeedbackType } from '../interactions/feedback-type.js';

/** Built-in feature names (computed in src/policy/context-features.ts); `context.<field>` features read the request's context argument. */
export const CONTEXT_FEATURES = ['interactions', 'recency', 'new-user', 'surface', 'hour'] as const;
export type ContextFeatureName = (typeof CONTEXT_FEATURES)[number];

const number = (schema: z.ZodNumber) => z.coerce.number().pipe(schema);

/** Environment variables of the meta-policy, rewards and circuit breaker. */
export const META_POLICY_ENV = {
  /** `on`: the meta-policy picks the strategy per request; `off`: RECGATE_SERVING_STRATEGY serves. @default on */
  RECGATE_META_POLICY: z.enum(['on', 'off']).default('on'),
  /** Context features the policy decides on (comma-separated; `context.<field>` for request context fields). @default interactions,recency,new-user,surface,hour */
  RECGATE_META_POLICY_FEATURES: z.string().default('interactions,recency,new-user,surface,hour'),
  /** Lowest probability of every eligible arm; 1 / floor bounds every importance weight in off-policy evaluation. @default 0.02 */
  RECGATE_META_POLICY_FLOOR: number(z.number().min(0).max(1)).default(0.02),
  /** Softmax temperature over the arms' UCB scores (reward units). @default 0.01 */
  RECGATE_META_POLICY_TEMPERATURE: number(z.number().positive()).default(0.01),
  /** Width of LinUCB's confidence bonus. @default 0.1 */
  RECGATE_META_POLICY_ALPHA: number(z.number().min(0)).default(0.1),
  /** Pseudo-pulls at the arms' pooled mean each arm starts with: how much evidence it takes to move an arm's share. 0 = none. @default 100 */
  RECGATE_META_POLICY_PRIOR_PULLS: number(z.number().min(0).max(1_000_000)).default(100),
  /** Seed of the per-request draws (combined with the impression id). @default 1 */
  RECGATE_META_POLICY_SEED: number(z.number().int().min(0)).default(1),
  /** Slots an open-ended feature (surface, context.<field>) hashes its values into. @default 16 */
  RECGATE_META_POLICY_HASH_BUCKETS: number(z.number().int().min(1).max(256)).default(16),
  /** Key prefix of the shared statistics in Redis. @default recgate:meta-policy */
  RECGATE_META_POLICY_REDIS_PREFIX: z.string().min(1).default('recgate:meta-policy'),
  /** How often a gateway re-reads the shared statistics from Redis, ms. @default 1000 */
  RECGATE_META_POLICY_SYNC_MS: number(z.number().int().positive()).default(1000),
  /** How often the statistics are snapshotted to the database, seconds. @default 60 */
  RECGATE_META_POLICY_SNAPSHOT_SECONDS: number(z.number().positive()).default(60),
  /** Reward per feedback type, e.g. `click=1,purchase=5` (others keep defaults). @default view=0,click=1,add_to_cart=2,purchase=5,rating=0,dismiss=-1 */
  RECGATE_REWARD_WEIGHTS: z.string().default(''),
  /** Feedback counts towards a slate's reward this long after the impression, seconds. @default 1800 */
  RECGATE_REWARD_WINDOW_SECONDS: number(z.number().positive()).default(1800),
  /** Reward of a slate that got no feedback inside the window. @default 0 */
  RECGATE_REWARD_DEFAULT: number(z.number().finite()).default(0),
  /** How often expired impressions are finalised with the default reward, seconds. @default 10 */
  RECGATE_REWARD_SWEEP_SECONDS: number(z.number().positive()).default(10),
  /** Consecutive failures (throw or time budget) that open an arm's circuit breaker. @default 5 */
  RECGATE_BREAKER_FAILURES: number(z.number().int().positive()).default(5),
  /** How long an open breaker keeps its arm out of rotation, seconds. @default 30 */
  RECGATE_BREAKER_COOLDOWN_SECONDS: number(z.number().positive()).default(30),
};

const envObject = z.object(META_POLICY_ENV);
export type MetaPolicyEnv = z.output<typeof envObject>;

export const DEFAULT_REWARD_WEIGHTS: Readonly<Record<FeedbackType, number>> = Object.freeze({
  view: 0,
  click: 1,
  add_to_cart: 2,
  purchase: 5,
  rating: 0,
  dismiss: -1,
});

export interface MetaPolicyConfig {
  readonly enabled: boolean;
  /** Declared features: built-in names and `context.<field>`. */
  readonly features: readonly string[];
  readonly floor: number;
  readonly temperature: number;
  readonly alpha: number;
  /** Prior strength: pseudo-pulls at the pooled mean per arm (evidence-shrinkage.ts). */
  readonly priorPulls: number;
  readonly seed: number;
  readonly hashBuckets: number;
  readonly redisPrefix: string;
  readonly syncMs: number;
  readonly snapshotSeconds: number;
  readonly rewardWeights: Readonly<Record<FeedbackType, number>>;
  readonly rewardWindowMs: number;
  readonly defaultReward: number;
  readonly sweepSeconds: number;
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
}

function parseFeatures(spec: string): string[] {
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    const known = (CONTEXT_FEATURES as readonly string[]).includes(name) || /^context\.[A-Za-z0-9_-]+$/.test(name);
    if (!known) {
      throw rgError('RG_ERR_CONFIG', {
        reason: `RECGATE_META_POLICY_FEATURES entry "${name}" must be one of ${CONTEXT_FEATURES.join(', ')} or context.<field>`,
      });
    }
  }
  return [...new Set(names)];
}

/** The frozen meta-policy configuration from already validated variables. */
export function metaPolicyConfig(e: MetaPolicyEnv): MetaPolicyConfig {
  return Object.freeze({
    enabled: e.RECGATE_META_POLICY === 'on',
    features: Object.freeze(parseFeatures(e.RECGATE_META_POLICY_FEATURES)),
    floor: e.RECGATE_META_POLICY_FLOOR,
    temperature: e.RECGATE_META_POLICY_TEMPERATURE,
    alpha: e.RECGATE_META_POLICY_ALPHA,
    priorPulls: e.RECGATE_META_POLICY_PRIOR_PULLS,
    seed: e.RECGATE_META_POLICY_SEED,
    hashBuckets: e.RECGATE_META_POLICY_HASH_BUCKETS,
    redisPrefix: e.RECGATE_META_POLICY_REDIS_PREFIX,
    syncMs: e.RECGATE_META_POLICY_SYNC_MS,
    snapshotSeconds: e.RECGATE_META_POLICY_SNAPSHOT_SECONDS,
    rewardWeights: Object.freeze(parseFeedbackTypeWeights('RECGATE_REWARD_WEIGHTS', e.RECGATE_REWARD_WEIGHTS, DEFAULT_REWARD_WEIGHTS)),
    rewardWindowMs: e.RECGATE_REWARD_WINDOW_SECONDS * 1000,
    defaultReward: e.RECGATE_REWARD_DEFAULT,
    sweepSeconds: e.RECGATE_REWARD_SWEEP_SECONDS,
    breakerFailures: e.RECGATE_BREAKER_FAILURES,
    breakerCooldownMs: e.RECGATE_BREAKER_COOLDOWN_SECONDS * 1000,
  });
}

/** The defaults, for tests and benchmarks that build a policy without a gateway. */
export function defaultMetaPolicyConfig(overrides: Partial<MetaPolicyConfig> = {}): MetaPolicyConfig {
  return Object.freeze({ ...metaPolicyConfig(envObject.parse({})), ...overrides });
}
