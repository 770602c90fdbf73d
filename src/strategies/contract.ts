/**
 * The strategy contract: what a recommendation strategy is, for built-ins and plugins alike.
 *
 * A strategy is a value made by `defineStrategy`, never a subclass. It never sees Prisma or
 * Redis: training reads interactions and the catalogue through the narrow readers below, and
 * serving hands it a `RecommendRequest`. That keeps every strategy runnable unchanged in the
 * gateway, a worker, a test or a benchmark.
 *
 * Life cycle: `train` (offline, may be slow) -> artifact -> `load` (once per model version
 * per process) -> `recommend` (per request, must be fast) ... -> `dispose`.
 */
import type { z } from 'zod';
import type { FeedbackType } from '../interactions/feedback-type.js';

/**
 * The contract version this recgate implements. Plugins declare a semver range of it.
 * 1.2.0 added optional parts only (the impression reader in training, `searchSpace`,
 * `similar`); a plugin written for 1.0 or 1.1 loads unchanged.
 */
export const STRATEGY_CONTRACT_VERSION = '1.2.0';

// ---------------------------------------------------------------------------------------
// Data the host hands to strategies
// ---------------------------------------------------------------------------------------

/** One interaction as strategies see it. Ids are the external ids users know. */
export interface InteractionRecord {
  readonly userId: string;
  readonly itemId: string;
  readonly type: FeedbackType;
  /** The raw value (a rating, a quantity); null when the type carries none. */
  readonly value: number | null;
  /** Learning weight from the host's signal policy (<0 negative, 0 neutral, >0 positive). */
  readonly weight: number;
  /** Milliseconds since the Unix epoch. */
  readonly occurredAt: number;
}

export interface CatalogItem {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly categories: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  /** A precomputed embedding supplied with the item (e.g. from a language model), if any. */
  readonly embedding: Float32Array | null;
  readonly active: boolean;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
}

export interface ScanOptions {
  /** Only interactions at or after this time (ms epoch). */
  readonly since?: number;
  /** Only interactions before this time (ms epoch). */
  readonly until?: number;
  /** Records per yielded batch. @default 10000 */
  readonly batchSize?: number;
}

/** Read-only access to interactions, oldest first. Implemented by the host. */
export interface InteractionReader {
  scan(options?: ScanOptions): AsyncIterable<readonly InteractionRecord[]>;
  count(options?: ScanOptions): Promise<number>;
}

/** One item of a logged slate and what the user did about it. */
export interface ImpressionItem {
  readonly itemId: string;
  /** 0-based position in the slate. */
  readonly position: number;
  /**
   * The feedback attributed to this item of this slate, weighted by the host's reward weights
   * (`RECGATE_REWARD_WEIGHTS`, summed over that feedback); 0 when it was shown and ignored.
   */
  readonly reward: number;
}

/** A slate recgate served and logged (the impression log), as strategies see it. */
export interface ImpressionRecord {
  readonly id: string;
  readonly userId: string;
  /** Milliseconds since the Unix epoch. */
  readonly shownAt: number;
  /** The strategy that produced the slate. */
  readonly strategy: string;
  readonly surface: string;
  /** In slate order. */
  readonly items: readonly ImpressionItem[];
  /** Probability with which the serving policy chose the strategy that produced this slate. */
  readonly propensity: number;
}

/** Read-only access to the impression log, oldest first. Implemented by the host. @since 1.2.0 */
export interface ImpressionReader {
  scan(options?: ScanOptions): AsyncIterable<readonly ImpressionRecord[]>;
  count(options?: ScanOptions): Promise<number>;
}

/** Read-only access to the item catalogue. Implemented by the host. */
export interface CatalogReader {
  /** All items, active or not, in a stable order. */
  items(): Promise<readonly CatalogItem[]>;
}

/** Read-only view of the catalogue at serving time (fast, in memory). */
export interface CatalogView {
  get(itemId: string): CatalogItem | undefined;
  /** Active items, in a stable order. */
  readonly active: readonly CatalogItem[];
  /** True when the item is active and passes the filter. */
  matches(itemId: string, filter: ItemFilter): boolean;
}

export interface ItemFilter {
  /** Keep items in at least one of these categories (exact names). Empty/undefined: all. */
  readonly categories?: readonly string[];
}

export interface Clock {
  now(): number;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

// ---------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------

export interface TrainProgress {
  /** A short phase name, e.g. "reading", "fitting", "evaluating". */
  readonly phase: string;
  /** 0..100 within the whole training run. */
  readonly percent: number;
}

export interface TrainContext<P> {
  /** Params, already validated against the strategy's zod schema. */
  readonly params: P;
  /** Same seed, same data: same artifact and same scores. */
  readonly seed: number;
  /** Aborted when training is cancelled; check it between steps and throw `RG_ERR_TRAINING_ABORTED`. */
  readonly signal: AbortSignal;
  readonly interactions: InteractionReader;
  readonly catalog: CatalogReader;
  /**
   * The slates recgate served and what users did with them, when the host keeps an impression
   * log (absent in hosts and tools without one: treat as empty). @since 1.2.0
   */
  readonly impressions?: ImpressionReader;
  readonly clock: Clock;
  readonly log: Logger;
  progress(update: TrainProgress): void;
}

/**
 * A trained model in serialisable form: JSON for structure and small values, typed arrays
 * for the large numeric parts. The host turns it into bytes and back.
 */
export interface Artifact {
  readonly json: JsonValue;
  readonly arrays: Readonly<Record<string, Float32Array | Int32Array>>;
}

export interface TrainResult {
  readonly artifact: Artifact;
  /** Metrics measured during training (e.g. held-out nDCG@10, loss, examples/s). */
  readonly metrics: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------
// Serving
// ---------------------------------------------------------------------------------------

/** What serving knows about the user making the request. */
export interface UserState {
  readonly id: string;
  /** False for a user the gateway has never seen (a new user, not an error). */
  readonly known: boolean;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Recent interactions, oldest first (bounded by the host). */
  readonly history: readonly InteractionRecord[];
}

export interface RecommendRequest {
  readonly user: UserState;
  /** How many items to return at most. */
  readonly k: number;
  /** Items that must not be returned (already seen, asked to exclude). */
  readonly exclude: ReadonlySet<string>;
  readonly filter: ItemFilter;
  /** Free-form request context from the API (device, page, ...). */
  readonly context: Readonly<Record<string, unknown>>;
  readonly surface: string;
  readonly catalog: CatalogView;
  /** Request time, ms epoch. */
  readonly now: number;
  /**
   * What this strategy's `adapt` last produced for this user with the model version being
   * served, if anything (the host stores it and hands it back). Absent or null: not adapted
   * yet; the strategy serves from `user.history` alone.
   */
  readonly adapted?: AdaptedUserState | null;
}

/** Which items `similar` may return: active, passing the categories, not excluded. */
export interface SimilarFilter extends ItemFilter {
  /** Items that must not be returned (besides the asked-for items, which never are). */
  readonly exclude: ReadonlySet<string>;
  /** The catalogue to check `categories` and activity against, and to title explanations from. */
  readonly catalog: CatalogView;
}

export interface ScoredItem {
  readonly itemId: string;
  /** Higher is better. Comparable within one slate only. */
  readonly score: number;
  /** Why this item, in words a user may see ("popular in Drama this week"). */
  readonly explanation: string;
}

/**
 * Per-user state produced by `adapt`, serialisable like an artifact: the host encodes it with
 * the artifact codec and keeps it where every gateway reads it (Redis; in memory without it),
 * tagged with the model version it was made for. Keep it small: it is read on every request.
 */
export type AdaptedUserState = Artifact;

export interface AdaptContext {
  readonly catalog: CatalogView;
  /** Adaptation time, ms epoch. */
  readonly now: number;
}

export interface LoadContext<P> {
  readonly params: P;
  readonly catalog: CatalogView;
  readonly log: Logger;
}

// ---------------------------------------------------------------------------------------
// The definition
// ---------------------------------------------------------------------------------------

export interface StrategyDefinition<P = unknown, M = unknown> {
  /** Unique, kebab-case; used in the API, the bandit arms and the model store. */
  readonly name: string;
  /** Semver of the strategy's code; artifacts record it. */
  readonly version: string;
  readonly description: string;
  /** zod schema of the params; validated once at registration (defaults applied). */
  readonly params: z.ZodType<P>;
  /** Fit a model from the interactions. Must honour `signal` and report progress. */
  train(ctx: TrainContext<P>): Promise<TrainResult>;
  /** Turn an artifact into a servable model (weights in memory). */
  load(artifact: Artifact, ctx: LoadContext<P>): Promise<M> | M;
  /** Score items for one user. Must respect `exclude`, `filter` and `k`. */
  recommend(model: M, request: RecommendRequest): Promise<readonly ScoredItem[]> | readonly ScoredItem[];
  /** Feedback that just arrived, for strategies that update online. @default no-op */
  observe(model: M, interaction: InteractionRecord): void;
  /**
   * Fast per-user adaptation from that user's history, run by a background job after the
   * user's feedback. Returns state the host hands back in `RecommendRequest.adapted` for this
   * model version, or null for nothing to keep. Must not change `model` (every user shares it).
   * @default returns null
   */
  adapt(model: M, user: UserState, ctx: AdaptContext): Promise<AdaptedUserState | null> | AdaptedUserState | null;
  /**
   * Items similar to `itemIds` ("more like this" on an item page, "often bought with" in a
   * cart), best first: at most `k`, never one of `itemIds`, each explained by the asked-for
   * item it is closest to. Must respect `filter` like `recommend` respects its request.
   * Optional (contract 1.2.0): the `similarItems` query asks only strategies that define it.
   */
  similar?(model: M, itemIds: readonly string[], k: number, filter: SimilarFilter): Promise<readonly ScoredItem[]> | readonly ScoredItem[];
  /** Free tensors or other resources of a model being unloaded. @default no-op */
  dispose(model: M): void;
  /**
   * Whether `adapt` does anything for a model with these params: the host queues adapt jobs,
   * and reads adapted state, only while a live model adapts.
   * @default true when the strategy defines `adapt`, false otherwise
   */
  adapts(params: P): boolean;
  /**
   * Params worth searching and their ranges, for model search in training (`train --search`,
   * docs/model-search.md). Each key must be a param of `params`; the others keep their
   * configured values. Since contract 1.2.0. @default none: the strategy is not searchable
   */
  readonly searchSpace?: SearchSpace;
}

/** One searched param: an integer or real range (sampled log-uniformly when `log`), or a choice. */
export type SearchDimension =
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly log?: boolean }
  | { readonly kind: 'float'; readonly min: number; readonly max: number; readonly log?: boolean }
  | { readonly kind: 'choice'; readonly values: readonly (number | string | boolean)[] };

/** Param name -> its searched range. */
export type SearchSpace = Readonly<Record<string, SearchDimension>>;

export type StrategyInput<P, M> = Omit<StrategyDefinition<P, M>, 'observe' | 'adapt' | 'dispose' | 'description' | 'adapts'> &
  Partial<Pick<StrategyDefinition<P, M>, 'observe' | 'adapt' | 'dispose' | 'description' | 'adapts'>>;

/**
 * Define a strategy. Optional hooks default to doing nothing, so a strategy writes only what
 * it needs. The result is frozen: the registry and the host trust it from here on.
 */
export function defineStrategy<P, M>(input: StrategyInput<P, M>): StrategyDefinition<P, M> {
  return Object.freeze({
    description: '',
    observe: () => {},
    adapt: () => null,
    dispose: () => {},
    adapts: input.adapt === undefined ? () => false : () => true,
    ...input,
  });
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
