/**
 * Configuration from the environment, validated once at start (zod) and frozen. Every
 * variable is listed in the README; a bad value stops start-up with RG_ERR_CONFIG.
 */
import { z } from 'zod';
import { parseFeedbackTypeWeights } from './feedback-type-weights.js';
import { rgError } from '../errors.js';
import { DEFAULT_SIGNAL_POLICY, type SignalPolicy } from '../interactions/signal-policy.js';
import { DEFAULT_FEEDBACK_BOUNDS, ratingScaleText, type FeedbackBounds } from '../interactions/feedback-bounds.js';
import { META_POLICY_ENV, metaPolicyConfig, type MetaPolicyConfig } from './meta-policy-config.js';
import { parseTrainSearchSetting } from './search-budget.js';
import { parseTrainSchedules, type TrainSchedule } from './train-schedule.js';
import { isJsonObject, parseJson } from '../json-value.js';

const number = (schema: z.ZodNumber) => z.coerce.number().pipe(schema);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : null));

/** The database every command opens when DATABASE_URL is unset, the demo's included. */
export const DEFAULT_DATABASE_URL = 'file:./recgate.db';

const envSchema = z.object({
  /** `file:<path>` (SQLite) or `postgres://...`. @default file:./recgate.db */
  DATABASE_URL: z.string().default(DEFAULT_DATABASE_URL),
  /** Redis for queues and shared state; unset = embedded mode. @default unset */
  REDIS_URL: optionalString,
  /** @default 4000 */
  PORT: number(z.number().int().min(0).max(65535)).default(4000),
  /** @default 127.0.0.1 */
  HOST: z.string().default('127.0.0.1'),
  /** `development` turns on GraphiQL and unmasked error details. @default production */
  NODE_ENV: z.string().default('production'),
  /** Half-life of popularity decay, in hours. @default 168 (one week) */
  RECGATE_POPULARITY_HALF_LIFE_HOURS: number(z.number().positive()).default(168),
  /** Ratings below this value are not a positive signal; empty = every rating is positive. */
  RECGATE_RATING_POSITIVE_MIN: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return null;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: 'must be a number' });
        return z.NEVER;
      }
      return n;
    }),
  /** Accepted rating values, `<min>..<max>` inclusive. @default 0..10 */
  RECGATE_RATING_SCALE: ratingScaleText.default(DEFAULT_FEEDBACK_BOUNDS.ratingScale),
  /** How far in the future feedback's occurredAt may be (clients' clocks run ahead), seconds. @default 300 */
  RECGATE_MAX_CLOCK_SKEW_SECONDS: number(z.number().min(0).max(86_400)).default(DEFAULT_FEEDBACK_BOUNDS.maxClockSkewSeconds),
  /** Learning weights per feedback type, e.g. `click=1,purchase=5,dismiss=-1` (others keep defaults). */
  RECGATE_SIGNAL_WEIGHTS: z.string().default(''),
  /** Largest accepted request body, bytes. @default 1048576 */
  RECGATE_MAX_BODY_BYTES: number(z.number().int().positive()).default(1_048_576),
  /** Deepest accepted GraphQL selection. @default 10 */
  RECGATE_MAX_QUERY_DEPTH: number(z.number().int().positive()).default(10),
  /** Largest accepted query cost (graphql-armor cost limit). @default 5000 */
  RECGATE_MAX_QUERY_COST: number(z.number().int().positive()).default(5000),
  /** Time budget for one strategy call, ms; past it the fallback serves. @default 200 */
  RECGATE_STRATEGY_TIMEOUT_MS: number(z.number().int().positive()).default(200),
  /** How often each gateway reloads popularity from the database, seconds. @default 60 */
  RECGATE_REFRESH_SECONDS: number(z.number().positive()).default(60),
  /** How often each gateway re-reads the running experiments (changes made elsewhere), seconds; 0 = never. @default 5 */
  RECGATE_EXPERIMENTS_REFRESH_SECONDS: number(z.number().min(0)).default(5),
  /** Extra plugin paths (folders or entry files), comma-separated. @default none */
  RECGATE_PLUGINS: z.string().default(''),
  /** Folder scanned for plugins (one subfolder each). @default <recgate>/plugins */
  RECGATE_PLUGIN_DIR: optionalString,
  /** Params per strategy, as JSON: {"<strategy>": {...}}. @default {} */
  RECGATE_STRATEGY_PARAMS: z.string().default('{}'),
  /** The strategy serving asks first with the meta-policy off; the fallback (popularity) answers when it cannot. @default unset: the fallback alone */
  RECGATE_SERVING_STRATEGY: optionalString,
  /** Strategies a gateway trains in-process at start: all, none, or names. @default all */
  RECGATE_TRAIN_ON_START: z.string().default('all'),
  /** How many recent interactions of a user serving reads. @default 200 */
  RECGATE_HISTORY_LENGTH: number(z.number().int().positive().max(10_000)).default(200),
  /** Held-out metric a candidate must beat the live version on: `<metric>` and/or `<strategy>=<metric>`, comma-separated. @default heldOutNdcgAt10 */
  RECGATE_PROMOTION_METRIC: z.string().default('heldOutNdcgAt10'),
  /** How often a gateway polls the model store for promoted versions (the fallback to Redis pub/sub), seconds; 0 = never. @default 30 */
  RECGATE_MODEL_POLL_SECONDS: number(z.number().min(0)).default(30),
  /** Prefix of every BullMQ queue and pub/sub channel in Redis. @default recgate */
  RECGATE_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('recgate'),
  /** Feedback from one user within this window becomes one adapt job, ms. @default 250 */
  RECGATE_ADAPT_DEBOUNCE_MS: number(z.number().int().min(0)).default(250),
  /** A user's adapted state expires this long after their last adaptation, seconds. @default 2592000 (30 days) */
  RECGATE_ADAPTED_STATE_TTL_SECONDS: number(z.number().int().positive()).default(30 * 24 * 3600),
  /** Retraining per strategy, run by workers: `<strategy>=<cron>` or `<strategy>=every:<n><ms|s|m|h|d>`, comma-separated. @default none */
  RECGATE_TRAIN_SCHEDULE: z.string().default(''),
  /** Model search in every train job that does not say (scheduled, start-up): off, on (10 minutes) or a budget like 5m. @default off */
  RECGATE_TRAIN_SEARCH: z.string().default('off'),
  /** The meta-policy's variables (src/config/meta-policy-config.ts). */
  ...META_POLICY_ENV,
});

export interface Config {
  readonly databaseUrl: string;
  readonly redisUrl: string | null;
  readonly port: number;
  readonly host: string;
  readonly development: boolean;
  readonly signalPolicy: SignalPolicy;
  /** Accepted feedback times and values, for the API and the importers. */
  readonly feedbackBounds: FeedbackBounds;
  readonly popularityHalfLifeHours: number;
  readonly maxBodyBytes: number;
  readonly maxQueryDepth: number;
  readonly maxQueryCost: number;
  readonly strategyTimeoutMs: number;
  readonly refreshSeconds: number;
  /** How often running experiments are re-read, seconds (0: only after changes made here). */
  readonly experimentsRefreshSeconds: number;
  readonly historyLength: number;
  readonly pluginPaths: readonly string[];
  readonly pluginDir: string | null;
  readonly strategyParams: Readonly<Record<string, unknown>>;
  /** The first strategy of the serving chain (src/serving/serving-chain.ts); null: the fallback alone. */
  readonly servingStrategy: string | null;
  /** 'all', or the strategy names to train at start (empty: none). */
  readonly trainOnStart: 'all' | readonly string[];
  /** The metric promotion compares, per strategy (`default` for the rest). */
  readonly promotionMetrics: Readonly<Record<string, string>>;
  readonly modelPollSeconds: number;
  readonly queuePrefix: string;
  readonly adaptDebounceMs: number;
  /** How long a user's adapted state is kept in Redis after their last adaptation, seconds. */
  readonly adaptedStateTtlSeconds: number;
  /** Scheduled retraining per strategy (BullMQ job schedulers, registered by workers). */
  readonly trainSchedules: readonly TrainSchedule[];
  /** Budget of model search in train jobs that do not say, seconds; null: no search (RECGATE_TRAIN_SEARCH). */
  readonly trainSearchSeconds: number | null;
  /** Which strategy serves each request, and how it learns (src/policy/). */
  readonly metaPolicy: MetaPolicyConfig;
}

function trainSearchSetting(raw: string): number | null {
  try {
    return parseTrainSearchSetting(raw);
  } catch (error) {
    throw rgError('RG_ERR_CONFIG', { reason: `RECGATE_TRAIN_SEARCH must be off, on or a budget like 10m (${(error as Error).message})` });
  }
}

function parsePromotionMetrics(spec: string): Record<string, string> {
  const metrics: Record<string, string> = { default: 'heldOutNdcgAt10' };
  for (const part of list(spec)) {
    const [a, b] = part.split('=').map((s) => s.trim());
    if (b === undefined) metrics.default = a!;
    else if (a && b) metrics[a] = b;
    else throw rgError('RG_ERR_CONFIG', { reason: `RECGATE_PROMOTION_METRIC entry "${part}" must be <metric> or <strategy>=<metric>` });
  }
  return metrics;
}

function parseStrategyParamsJson(raw: string): Record<string, unknown> {
  const parsed = parseJson(raw);
  if (!parsed.ok) throw rgError('RG_ERR_CONFIG', { reason: `RECGATE_STRATEGY_PARAMS is not JSON (${parsed.reason})` });
  const value = parsed.value;
  if (!isJsonObject(value)) {
    throw rgError('RG_ERR_CONFIG', { reason: 'RECGATE_STRATEGY_PARAMS must be a JSON object {"<strategy>": {...}}' });
  }
  return value;
}

const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw rgError('RG_ERR_CONFIG', { reason: `${issue.path.join('.')}: ${issue.message}` });
  }
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    development: e.NODE_ENV === 'development',
    signalPolicy: Object.freeze({
      weights: Object.freeze(parseFeedbackTypeWeights('RECGATE_SIGNAL_WEIGHTS', e.RECGATE_SIGNAL_WEIGHTS, DEFAULT_SIGNAL_POLICY.weights)),
      ratingPositiveMin: e.RECGATE_RATING_POSITIVE_MIN,
    }),
    feedbackBounds: Object.freeze({
      ratingScale: Object.freeze(e.RECGATE_RATING_SCALE),
      maxClockSkewSeconds: e.RECGATE_MAX_CLOCK_SKEW_SECONDS,
    }),
    popularityHalfLifeHours: e.RECGATE_POPULARITY_HALF_LIFE_HOURS,
    maxBodyBytes: e.RECGATE_MAX_BODY_BYTES,
    maxQueryDepth: e.RECGATE_MAX_QUERY_DEPTH,
    maxQueryCost: e.RECGATE_MAX_QUERY_COST,
    strategyTimeoutMs: e.RECGATE_STRATEGY_TIMEOUT_MS,
    refreshSeconds: e.RECGATE_REFRESH_SECONDS,
    experimentsRefreshSeconds: e.RECGATE_EXPERIMENTS_REFRESH_SECONDS,
    historyLength: e.RECGATE_HISTORY_LENGTH,
    pluginPaths: Object.freeze(list(e.RECGATE_PLUGINS)),
    pluginDir: e.RECGATE_PLUGIN_DIR,
    strategyParams: Object.freeze(parseStrategyParamsJson(e.RECGATE_STRATEGY_PARAMS)),
    servingStrategy: e.RECGATE_SERVING_STRATEGY,
    promotionMetrics: Object.freeze(parsePromotionMetrics(e.RECGATE_PROMOTION_METRIC)),
    modelPollSeconds: e.RECGATE_MODEL_POLL_SECONDS,
    queuePrefix: e.RECGATE_QUEUE_PREFIX,
    adaptDebounceMs: e.RECGATE_ADAPT_DEBOUNCE_MS,
    adaptedStateTtlSeconds: e.RECGATE_ADAPTED_STATE_TTL_SECONDS,
    trainSchedules: Object.freeze(parseTrainSchedules(e.RECGATE_TRAIN_SCHEDULE)),
    trainSearchSeconds: trainSearchSetting(e.RECGATE_TRAIN_SEARCH),
    metaPolicy: metaPolicyConfig(e),
    trainOnStart:
      e.RECGATE_TRAIN_ON_START.trim() === 'all' ? 'all' : e.RECGATE_TRAIN_ON_START.trim() === 'none' ? [] : Object.freeze(list(e.RECGATE_TRAIN_ON_START)),
  });
}
