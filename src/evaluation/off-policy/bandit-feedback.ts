/**
 * Logged bandit feedback: what a logging policy showed, where, with which probability, and
 * what the user did. Every off-policy estimator reads this shape and nothing else, whether the
 * rounds come from an Open Bandit Dataset file or (later) from recgate's own impression log.
 *
 * One round is one (impression, slate position) pair, as in the Open Bandit Dataset: a slate
 * of three items is three rounds that share a timestamp and a context.
 */

/** Features of one action (item) that do not depend on the user. */
export interface ActionFeatures {
  /** Categorical features, aligned with `ActionSpace.featureNames.categorical`. */
  readonly categories: readonly string[];
  /** Numeric features, aligned with `ActionSpace.featureNames.numeric`. */
  readonly numbers: readonly number[];
}

/** The actions a policy can choose from and the slate it fills. */
export interface ActionSpace {
  /** Action (item) ids; an action's index in this list is its index everywhere else. */
  readonly actions: readonly string[];
  /** Slate length: rounds have positions 0 .. positions - 1. */
  readonly positions: number;
  /** Per-action features (e.g. OBD's item_context.csv), aligned with `actions`; null when unknown. */
  readonly actionFeatures: readonly ActionFeatures[] | null;
  readonly featureNames: { readonly categorical: readonly string[]; readonly numeric: readonly string[] };
}

/** What the logging policy knew about the user when it chose. */
export interface RoundContext {
  /** Categorical user features (OBD: hashed user_feature_0..3), aligned with `contextNames.categorical`. */
  readonly categories: readonly string[];
  /**
   * A numeric user-action feature for every action of the space, indexed like `actions`
   * (OBD: user-item_affinity_<item>, past clicks between this user and that item); null if absent.
   */
  readonly actionAffinity: Float64Array | null;
}

export interface BanditRound {
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** Index of the shown action in `ActionSpace.actions`. */
  readonly action: number;
  /** 0-based slate position (OBD position 1, the left slot, is 0). */
  readonly position: number;
  /** Observed reward (OBD: click 0/1). */
  readonly reward: number;
  /** The logging policy's probability of showing this action at this position: 0 < p <= 1. */
  readonly propensity: number;
  readonly context: RoundContext;
}

/** Rows of the log a source did not turn into rounds, and why: a report must say so. */
export interface LeftOutRounds {
  readonly count: number;
  readonly reason: string;
}

export interface LoggedBanditFeedback {
  /** Where the rounds came from, for reports (e.g. `obd:random/men/men.csv`). */
  readonly source: string;
  readonly space: ActionSpace;
  readonly contextNames: { readonly categorical: readonly string[] };
  /** Rounds in log order (oldest first). */
  readonly rounds: readonly BanditRound[];
  /** What the source left out of `rounds`, by reason. @default none */
  readonly leftOut?: readonly LeftOutRounds[];
  /** What a reader of the estimate should know about how the rounds were made. @default none */
  readonly notes?: readonly string[];
}

/** Mean reward of the rounds, overall and per position: the logging policy's own (on-policy) value. */
export interface ObservedValue {
  readonly value: number;
  readonly rounds: number;
  /** Per position (index = 0-based position); NaN where the log has no round at that position. */
  readonly byPosition: readonly number[];
}

export function observedValue(feedback: LoggedBanditFeedback): ObservedValue {
  const positions = feedback.space.positions;
  const sums = new Float64Array(positions);
  const counts = new Float64Array(positions);
  let total = 0;
  for (const round of feedback.rounds) {
    sums[round.position]! += round.reward;
    counts[round.position]! += 1;
    total += round.reward;
  }
  return {
    value: feedback.rounds.length > 0 ? total / feedback.rounds.length : Number.NaN,
    rounds: feedback.rounds.length,
    byPosition: Array.from(sums, (sum, k) => (counts[k]! > 0 ? sum / counts[k]! : Number.NaN)),
  };
}
