/**
 * What a split protocol produces: the interactions strategies train on, and one evaluation
 * case per test user (what serving would know about them, and what they did next).
 */
import type { InteractionRecord } from '../../strategies/contract.js';
import type { EvalProtocol } from './protocols.js';

export interface EvaluationCase {
  readonly userId: string;
  /** The user's train interactions, oldest first: the history a request carries. */
  readonly history: readonly InteractionRecord[];
  /** Items of the user's train interactions (any weight): excluded from the ranking. */
  readonly seen: ReadonlySet<string>;
  /** The user's held-out relevant items; never empty, never overlapping `seen`. */
  readonly relevant: ReadonlySet<string>;
}

export interface SplitStats {
  /** Interactions handed to the split. */
  readonly interactions: number;
  /** Of those, interactions with an active catalogue item (the evaluation universe). */
  readonly interactionsOnActiveItems: number;
  readonly activeItems: number;
  /** Users with at least one positive interaction on an active item. */
  readonly users: number;
  /** Users with at least `minInteractions` distinct positively-interacted items. */
  readonly eligibleUsers: number;
  /** Eligible users left out because they had no interaction before their test item (temporal). */
  readonly skippedUsers: number;
  readonly testUsers: number;
  readonly trainInteractions: number;
  /** Sum over test users of their relevant items. */
  readonly testItems: number;
}

export interface EvaluationSplit {
  readonly protocol: EvalProtocol;
  readonly seed: number;
  readonly minInteractions: number;
  /** Train interactions of every test user, oldest first. */
  readonly train: readonly InteractionRecord[];
  /** Test users in a stable order (by user id). */
  readonly cases: readonly EvaluationCase[];
  /**
   * The evaluation clock (ms epoch): the newest train interaction. Training and every
   * request see this time, so time-decayed strategies score as of the end of the train data.
   */
  readonly now: number;
  readonly stats: SplitStats;
}

export interface SplitOptions {
  /** Same seed, same data: the same split. */
  readonly seed: number;
  /**
   * Users need at least this many distinct items with a positive interaction; users below
   * it are dropped from train and test alike (Recommenders' `min_rating` with
   * `filter_by="user"`). @default 4
   */
  readonly minInteractions?: number;
  /** `stratified` only: share of each user's relevant items that trains. @default 0.75 */
  readonly trainRatio?: number;
}

export const DEFAULT_MIN_INTERACTIONS = 4;
export const DEFAULT_TRAIN_RATIO = 0.75;
