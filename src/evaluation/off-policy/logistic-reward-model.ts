/**
 * A ridge-penalised logistic regression of the reward on the round's features, fitted by
 * Newton's method (the feature count is small: a few hundred for OBD):
 *
 *   logit q(x, a, k) = b + b_k + b_a + b_(a,k) + sum_j b_(user feature j = x_j)
 *                      + sum_j b_(item feature j of a) + c * slog1p(affinity(x, a))
 *
 * Position, item and (item, position) indicators play the part of OBP's position-wise models
 * with a one-hot action context; the ridge penalty (a N(0, 1/l2) prior on every weight but
 * the intercept) pools a rarely shown pair towards its item and position. User feature values
 * seen in fewer than `minCategoryCount` training rounds get no weight of their own.
 */
import { rgError } from '../../errors.js';
import type { BanditRound, LoggedBanditFeedback } from './bandit-feedback.js';
import { solveSymmetricPositiveDefinite } from './cholesky.js';
import type { RewardModel } from './reward-model.js';

export interface LogisticRewardModelOptions {
  /** Ridge penalty on every weight except the intercept. @default 1 */
  readonly l2?: number;
  /** A user feature value needs this many training rounds to get its own weight. @default 5 */
  readonly minCategoryCount?: number;
  /** Newton iterations at most. @default 30 */
  readonly maxIterations?: number;
}

/** Signed log(1 + |x|): affinities are counts of past clicks, with a long tail. */
function slog1p(x: number): number {
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

interface SparseRow {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export function fitLogisticRewardModel(feedback: LoggedBanditFeedback, rounds: readonly BanditRound[], options: LogisticRewardModelOptions = {}): RewardModel {
  const l2 = options.l2 ?? 1;
  const minCategoryCount = options.minCategoryCount ?? 5;
  const maxIterations = options.maxIterations ?? 30;
  const { space } = feedback;
  const width = space.actions.length;
  const positions = space.positions;
  for (const round of rounds) {
    if (!(round.reward >= 0 && round.reward <= 1)) {
      throw rgError('RG_ERR_INVALID_INPUT', {
        path: 'rewardModel',
        reason: `the logistic reward model needs rewards in [0, 1], the log has ${round.reward}; use the empirical model`,
      });
    }
  }

  // --- feature layout --------------------------------------------------------------------
  let size = 1;
  const positionBase = size;
  size += positions;
  const actionBase = size;
  size += width;
  const pairBase = size;
  size += positions * width;

  const userVocab = feedback.contextNames.categorical.map(() => new Map<string, number>());
  const userCounts = feedback.contextNames.categorical.map(() => new Map<string, number>());
  for (const round of rounds) {
    round.context.categories.forEach((value, j) => {
      const counts = userCounts[j]!;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    });
  }
  userCounts.forEach((counts, j) => {
    for (const [value, count] of counts) if (count >= minCategoryCount) userVocab[j]!.set(value, size++);
  });

  // Item features: one indicator per categorical value, numeric ones standardised over items.
  const actionStaticIndices: number[][] = Array.from({ length: width }, () => []);
  const actionStaticValues: number[][] = Array.from({ length: width }, () => []);
  if (space.actionFeatures) {
    const features = space.actionFeatures;
    space.featureNames.categorical.forEach((_, j) => {
      const vocab = new Map<string, number>();
      features.forEach((item, a) => {
        const value = item.categories[j]!;
        if (!vocab.has(value)) vocab.set(value, size++);
        actionStaticIndices[a]!.push(vocab.get(value)!);
        actionStaticValues[a]!.push(1);
      });
    });
    space.featureNames.numeric.forEach((_, j) => {
      const values = features.map((item) => item.numbers[j]!);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      if (!(sd > 0)) return;
      const index = size++;
      values.forEach((value, a) => {
        actionStaticIndices[a]!.push(index);
        actionStaticValues[a]!.push((value - mean) / sd);
      });
    });
  }
  const hasAffinity = rounds.some((round) => round.context.actionAffinity !== null);
  const affinityIndex = hasAffinity ? size++ : -1;

  function encode(round: BanditRound, action: number): SparseRow {
    const indices = [0, positionBase + round.position, actionBase + action, pairBase + round.position * width + action];
    const values = [1, 1, 1, 1];
    round.context.categories.forEach((value, j) => {
      const index = userVocab[j]?.get(value);
      if (index !== undefined) {
        indices.push(index);
        values.push(1);
      }
    });
    indices.push(...actionStaticIndices[action]!);
    values.push(...actionStaticValues[action]!);
    const affinity = round.context.actionAffinity?.[action] ?? 0;
    if (affinityIndex >= 0 && affinity !== 0) {
      indices.push(affinityIndex);
      values.push(slog1p(affinity));
    }
    return { indices: Int32Array.from(indices), values: Float64Array.from(values) };
  }

  // --- Newton's method ---------------------------------------------------------------------
  const rows = rounds.map((round) => encode(round, round.action));
  const targets = Float64Array.from(rounds, (round) => round.reward);
  const weights = new Float64Array(size);
  const meanReward = targets.reduce((s, y) => s + y, 0) / Math.max(targets.length, 1);
  const clampedMean = Math.min(Math.max(meanReward, 1e-6), 1 - 1e-6);
  weights[0] = Math.log(clampedMean / (1 - clampedMean));

  const linear = (row: SparseRow, w: Float64Array): number => {
    let z = 0;
    for (let j = 0; j < row.indices.length; j++) z += w[row.indices[j]!]! * row.values[j]!;
    return z;
  };
  const penalisedLoss = (w: Float64Array): number => {
    let loss = 0;
    rows.forEach((row, i) => {
      const z = linear(row, w);
      // log(1 + e^z) - y z, written to stay finite for large |z|.
      loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - targets[i]! * z;
    });
    for (let j = 1; j < size; j++) loss += 0.5 * l2 * w[j]! * w[j]!;
    return loss;
  };

  let loss = penalisedLoss(weights);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const gradient = new Float64Array(size);
    const hessian = new Float64Array(size * size);
    for (let i = 0; i < rows.length; i++) {
      const { indices, values } = rows[i]!;
      const p = sigmoid(linear(rows[i]!, weights));
      const residual = p - targets[i]!;
      const curvature = Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a < indices.length; a++) {
        const ia = indices[a]!;
        const va = curvature * values[a]!;
        gradient[ia]! += residual * values[a]!;
        // Lower triangle only (row >= column); mirrored below. Indices within a row are distinct.
        for (let b = 0; b < indices.length; b++) {
          const ib = indices[b]!;
          if (ib <= ia) hessian[ia * size + ib]! += va * values[b]!;
        }
      }
    }
    for (let r = 0; r < size; r++) for (let c = 0; c < r; c++) hessian[c * size + r] = hessian[r * size + c]!;
    for (let j = 1; j < size; j++) {
      gradient[j]! += l2 * weights[j]!;
      hessian[j * size + j]! += l2;
    }
    hessian[0]! += 1e-9;
    const step = solveSymmetricPositiveDefinite(hessian, gradient, size);
    // Backtracking keeps each step a descent step when rare rewards make the loss very flat.
    let scale = 1;
    let candidate = weights.map((w, j) => w - step[j]!);
    let candidateLoss = penalisedLoss(candidate);
    while (candidateLoss > loss && scale > 1e-4) {
      scale /= 2;
      candidate = weights.map((w, j) => w - scale * step[j]!);
      candidateLoss = penalisedLoss(candidate);
    }
    if (candidateLoss > loss) break;
    const change = step.reduce((max, s) => Math.max(max, Math.abs(scale * s)), 0);
    weights.set(candidate);
    const improvement = loss - candidateLoss;
    loss = candidateLoss;
    if (change < 1e-7 || improvement < 1e-10) break;
  }

  // --- prediction: the per-(position, action) part is the same for every round ------------
  const staticScore = new Float64Array(positions * width);
  for (let k = 0; k < positions; k++) {
    for (let a = 0; a < width; a++) {
      let z = weights[positionBase + k]! + weights[actionBase + a]! + weights[pairBase + k * width + a]!;
      actionStaticIndices[a]!.forEach((index, j) => (z += weights[index]! * actionStaticValues[a]![j]!));
      staticScore[k * width + a] = z;
    }
  }
  const affinityWeight = affinityIndex >= 0 ? weights[affinityIndex]! : 0;

  return {
    predict(round, out) {
      let base = weights[0]!;
      round.context.categories.forEach((value, j) => {
        const index = userVocab[j]?.get(value);
        if (index !== undefined) base += weights[index]!;
      });
      const affinity = round.context.actionAffinity;
      for (let a = 0; a < width; a++) {
        const extra = affinity && affinity[a] !== 0 ? affinityWeight * slog1p(affinity[a]!) : 0;
        out[a] = sigmoid(base + staticScore[round.position * width + a]! + extra);
      }
    },
  };
}
