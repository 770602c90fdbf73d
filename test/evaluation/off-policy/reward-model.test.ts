import { describe, expect, it } from 'vitest';
import { isRecgateError } from '../../../src/errors.js';
import {
  crossFitRewards,
  fitEmpiricalRewardModel,
  fitLogisticRewardModel,
  readObdFeedback,
  type BanditRound,
  type LoggedBanditFeedback,
} from '../../../src/evaluation/off-policy/index.js';
import { RANDOM_LOG } from './obd-files.js';
import { createSyntheticWorld } from './synthetic-world.js';

function meanAbsoluteError(world: ReturnType<typeof createSyntheticWorld>, feedback: LoggedBanditFeedback, predictions: Float64Array): number {
  const truth = world.trueRewardPredictions(feedback);
  let total = 0;
  for (let i = 0; i < truth.length; i++) total += Math.abs(truth[i]! - predictions[i]!);
  return total / truth.length;
}

describe('reward models', () => {
  it('logistic: calibrated in the large on the OBD random log slice (mean prediction = click rate)', async () => {
    // The whole slice: 1,000 rounds, 5 clicks.
    const feedback = await readObdFeedback(RANDOM_LOG);
    expect(feedback.rounds).toHaveLength(1000);
    const model = fitLogisticRewardModel(feedback, feedback.rounds);
    const out = new Float64Array(feedback.space.actions.length);
    let predicted = 0;
    let low = 1;
    let high = 0;
    for (const round of feedback.rounds) {
      model.predict(round, out);
      low = Math.min(low, ...out);
      high = Math.max(high, ...out);
      predicted += out[round.action]!;
    }
    expect(low).toBeGreaterThan(0);
    expect(high).toBeLessThan(1);
    const clicks = feedback.rounds.reduce((s, r) => s + r.reward, 0);
    // The unpenalised intercept's score equation: sum of p = sum of y at the optimum.
    expect(predicted / clicks).toBeCloseTo(1, 3);
  });

  it('logistic uses the context: closer to the true rewards than the context-free empirical model', () => {
    // The world's user x item effects are beyond both models; the user main effects are not.
    const world = createSyntheticWorld();
    const feedback = world.sample(20_000, 3);
    const logistic = crossFitRewards(feedback, { kind: 'logistic', folds: 1 });
    const empirical = crossFitRewards(feedback, { kind: 'empirical', folds: 1 });
    const logisticError = meanAbsoluteError(world, feedback, logistic);
    expect(logisticError).toBeLessThan(0.9 * meanAbsoluteError(world, feedback, empirical));
  });

  it('empirical: shrinks pair means towards the position mean', () => {
    // Four items with the same true CTR 0.1: the spread of raw means is noise and is shrunk away.
    const rounds: BanditRound[] = [];
    const counts = [50, 100, 200, 400];
    counts.forEach((n, action) => {
      for (let i = 0; i < n; i++) {
        const reward = i < Math.round(n * [0.2, 0.05, 0.1, 0.1][action]!) ? 1 : 0;
        rounds.push({ timestamp: i, action, position: 0, reward, propensity: 0.25, context: { categories: [], actionAffinity: null } });
      }
    });
    const feedback: LoggedBanditFeedback = {
      source: 'test',
      space: { actions: ['a', 'b', 'c', 'd'], positions: 1, actionFeatures: null, featureNames: { categorical: [], numeric: [] } },
      contextNames: { categorical: [] },
      rounds,
    };
    const out = new Float64Array(4);
    fitEmpiricalRewardModel(feedback, rounds).predict(rounds[0]!, out);
    const mu = rounds.reduce((s, r) => s + r.reward, 0) / rounds.length;
    const raw = [0.2, 0.05, 0.1, 0.1];
    for (let a = 0; a < 4; a++) {
      expect(Math.abs(out[a]! - mu)).toBeLessThanOrEqual(Math.abs(raw[a]! - mu) + 1e-12);
    }
    expect(Math.max(...out) - Math.min(...out)).toBeLessThan(0.5 * (0.2 - 0.05));
  });

  it("cross-fitting: a round's prediction does not depend on its own reward", async () => {
    const feedback = await readObdFeedback(RANDOM_LOG);
    const clicked = feedback.rounds.findIndex((round) => round.reward === 1);
    const flipped: LoggedBanditFeedback = {
      ...feedback,
      rounds: feedback.rounds.map((round, i) => (i === clicked ? { ...round, reward: 0 } : round)),
    };
    const width = feedback.space.actions.length;
    const a = crossFitRewards(feedback, { kind: 'logistic', folds: 3, seed: 9 });
    const b = crossFitRewards(flipped, { kind: 'logistic', folds: 3, seed: 9 });
    expect(Array.from(b.subarray(clicked * width, (clicked + 1) * width))).toEqual(Array.from(a.subarray(clicked * width, (clicked + 1) * width)));
    // Without cross-fitting the model has seen the click and predicts a higher reward for it.
    const c = crossFitRewards(feedback, { kind: 'logistic', folds: 1 });
    const d = crossFitRewards(flipped, { kind: 'logistic', folds: 1 });
    const action = feedback.rounds[clicked]!.action;
    expect(c[clicked * width + action]!).toBeGreaterThan(d[clicked * width + action]!);
  });

  it('logistic rejects rewards outside [0, 1] with a coded error', () => {
    const world = createSyntheticWorld();
    const feedback = world.sample(50, 1);
    const bad = { ...feedback, rounds: feedback.rounds.map((r, i) => (i === 3 ? { ...r, reward: 2 } : r)) };
    try {
      fitLogisticRewardModel(bad, bad.rounds);
      expect.unreachable();
    } catch (error) {
      expect(isRecgateError(error) && error.code).toBe('RG_ERR_INVALID_INPUT');
    }
  });
});
