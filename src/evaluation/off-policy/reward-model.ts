/**
 * The reward model q(x, a, k) = E[reward | context x, action a, position k] that DM, DR and
 * their variants need. It is fitted on the evaluated log itself, with K-fold cross-fitting by
 * default (as OBP's `RegressionModel.fit_predict(n_folds=3)`): the prediction for a round
 * comes from a model that did not see that round, so DR's correction term is not fooled by
 * the model's own overfitting.
 */
import type { BanditRound, LoggedBanditFeedback } from './bandit-feedback.js';
import { fitEmpiricalRewardModel } from './empirical-reward-model.js';
import { fitLogisticRewardModel } from './logistic-reward-model.js';
import { createRandom } from '../../ml/random.js';

export const REWARD_MODEL_KINDS = ['logistic', 'empirical'] as const;
export type RewardModelKind = (typeof REWARD_MODEL_KINDS)[number];

/** What `rewardModel` may be set to: a kind, or `auto` to let the log decide. */
export const REWARD_MODEL_CHOICES = ['auto', ...REWARD_MODEL_KINDS] as const;
export type RewardModelChoice = (typeof REWARD_MODEL_CHOICES)[number];

/**
 * The reward model for a log: the one asked for, or with `auto` the logistic model when every
 * reward is in [0, 1] (clicks, the binary rewards it models) and the empirical model (means
 * per action and position, any scale) otherwise, e.g. recgate's impressions with purchase
 * rewards of 5. Says why, for the report.
 */
export function chooseRewardModel(choice: RewardModelChoice, feedback: LoggedBanditFeedback): { kind: RewardModelKind; reason: string } {
  if (choice !== 'auto') return { kind: choice, reason: 'as asked' };
  const outside = feedback.rounds.find((round) => !(round.reward >= 0 && round.reward <= 1));
  return outside === undefined
    ? { kind: 'logistic', reason: 'auto: every reward is in [0, 1]' }
    : { kind: 'empirical', reason: `auto: the log has rewards outside [0, 1] (e.g. ${outside.reward}), which the logistic model cannot fit` };
}

export interface RewardModel {
  /** Writes q(x, a, k) for every action a of the space, at the round's position and context, into `out`. */
  predict(round: BanditRound, out: Float64Array): void;
}

/** Fits a reward model on `rounds` (a subset of `feedback.rounds`) of the given log. */
export function fitRewardModel(kind: RewardModelKind, feedback: LoggedBanditFeedback, rounds: readonly BanditRound[]): RewardModel {
  return kind === 'logistic' ? fitLogisticRewardModel(feedback, rounds) : fitEmpiricalRewardModel(feedback, rounds);
}

export interface CrossFitOptions {
  readonly kind: RewardModelKind;
  /** Folds; 1 fits once on the whole log and predicts the same rounds. @default 3 */
  readonly folds?: number;
  /** Seeds the assignment of rounds to folds. @default 0 */
  readonly seed?: number;
}

/**
 * q for every round and action: row i (length #actions, at offset i * #actions) holds the
 * predictions at round i's own position, from the model fitted without round i's fold.
 */
export function crossFitRewards(feedback: LoggedBanditFeedback, options: CrossFitOptions): Float64Array {
  const n = feedback.rounds.length;
  const width = feedback.space.actions.length;
  const folds = Math.max(1, Math.min(options.folds ?? 3, n));
  const predictions = new Float64Array(n * width);
  const fold = new Int32Array(n);
  if (folds > 1) {
    const order = createRandom(options.seed ?? 0).shuffle(Array.from({ length: n }, (_, i) => i));
    order.forEach((round, rank) => (fold[round] = rank % folds));
  }
  const out = new Float64Array(width);
  for (let f = 0; f < folds; f++) {
    const training = folds === 1 ? feedback.rounds : feedback.rounds.filter((_, i) => fold[i] !== f);
    const model = fitRewardModel(options.kind, feedback, training);
    for (let i = 0; i < n; i++) {
      if (folds > 1 && fold[i] !== f) continue;
      model.predict(feedback.rounds[i]!, out);
      predictions.set(out, i * width);
    }
  }
  return predictions;
}
