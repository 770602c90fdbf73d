import { describe, expect, it } from 'vitest';
import {
  buildEstimatorInputs,
  ESTIMATOR_NAMES,
  estimateOffPolicy,
  evaluateOffPolicy,
  pointEstimates,
  type EstimatorInputs,
  type EstimatorName,
  type TargetPolicy,
} from '../../../src/evaluation/off-policy/index.js';
import { createSyntheticWorld } from './synthetic-world.js';

const world = createSyntheticWorld();
const PARAMS = { clip: 50, switchThreshold: 100, shrinkage: 100 };

function meanAndStandardError(values: readonly number[]): { mean: number; standardError: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, standardError: Math.sqrt(variance / values.length) };
}

function inputsOf(weight: number[], reward: number[], qLogged?: number[], qTarget?: number[]): EstimatorInputs {
  const n = weight.length;
  return {
    rounds: n,
    positions: 1,
    position: new Int32Array(n),
    reward: Float64Array.from(reward),
    weight: Float64Array.from(weight),
    qLogged: Float64Array.from(qLogged ?? reward.map(() => 0)),
    qTarget: Float64Array.from(qTarget ?? reward.map(() => 0)),
  };
}

describe('the synthetic world', () => {
  it('has a target clearly better than the logging policy, with bounded weights', () => {
    // The evaluation is only informative if the estimators must move far from the logged mean.
    expect(world.trueValue).toBeGreaterThan(world.loggingValue + 0.15);
  });
});

describe('estimators on one large synthetic log', () => {
  it('every estimator lands within 3 bootstrap standard errors of the true value (DM with the true reward function)', async () => {
    const feedback = world.sample(10_000, 7);
    const report = await evaluateOffPolicy(feedback, world.target, { bootstrap: 200, seed: 1, rewardModel: 'logistic' });
    // Model-free and doubly robust estimators: unbiased (or nearly, for the self-normalised
    // and shrunk ones) whatever the reward model.
    for (const name of ESTIMATOR_NAMES.filter((n) => n !== 'dm')) {
      const result = report.estimators[name];
      expect(Math.abs(result.estimate - world.trueValue), name).toBeLessThan(3 * result.standardError);
      expect(result.ci[0], name).toBeLessThan(result.ci[1]);
    }
    // DM is unbiased only with a correct reward model: give it the true one.
    const exact = pointEstimates(await buildEstimatorInputs(feedback, world.target, world.trueRewardPredictions(feedback)), PARAMS);
    expect(Math.abs(exact.dm - world.trueValue)).toBeLessThan(3 * report.estimators.dm.standardError + 0.005);
  });

  it('shows double robustness: a misspecified reward model biases DM but not DR', async () => {
    // The empirical model ignores the user, whose effect on the reward is large here.
    const feedback = world.sample(10_000, 8);
    const report = await evaluateOffPolicy(feedback, world.target, { bootstrap: 200, seed: 2, rewardModel: 'empirical' });
    const dm = report.estimators.dm;
    const dr = report.estimators.dr;
    expect(Math.abs(dm.estimate - world.trueValue)).toBeGreaterThan(10 * dm.standardError);
    expect(Math.abs(dr.estimate - world.trueValue)).toBeLessThan(3 * dr.standardError);
  });
});

describe('unbiasedness over repeated logs', () => {
  it('the mean of IPS, DR and DM (true model) over 120 logs is within 3 standard errors of the truth', async () => {
    const repetitions = 120;
    const collected: Record<string, number[]> = {};
    for (let r = 0; r < repetitions; r++) {
      const feedback = world.sample(600, 100 + r);
      const { estimates } = await estimateOffPolicy(feedback, world.target, { rewardModel: 'empirical', seed: r });
      const exact = pointEstimates(await buildEstimatorInputs(feedback, world.target, world.trueRewardPredictions(feedback)), PARAMS);
      for (const [name, value] of [
        ['ips', estimates.ips],
        ['dr (cross-fitted, misspecified model)', estimates.dr],
        ['dr (true model)', exact.dr],
        ['dm (true model)', exact.dm],
      ] as const) {
        (collected[name] ??= []).push(value);
      }
    }
    for (const [name, values] of Object.entries(collected)) {
      const { mean, standardError } = meanAndStandardError(values);
      expect(Math.abs(mean - world.trueValue), name).toBeLessThan(3 * standardError);
    }
  });
});

describe('bootstrap confidence intervals', () => {
  it('95% intervals of IPS, SNIPS and DR cover the truth in at least 85 of 100 logs', async () => {
    const covered: Record<string, number> = { ips: 0, snips: 0, dr: 0 };
    for (let r = 0; r < 100; r++) {
      const feedback = world.sample(500, 5000 + r);
      const report = await evaluateOffPolicy(feedback, world.target, {
        bootstrap: 150,
        seed: r,
        rewardModel: 'empirical',
      });
      for (const name of ['ips', 'snips', 'dr'] as const) {
        const [low, high] = report.estimators[name].ci;
        if (low <= world.trueValue && world.trueValue <= high) covered[name]! += 1;
      }
    }
    for (const [name, count] of Object.entries(covered)) expect(count, name).toBeGreaterThanOrEqual(85);
  });

  it('is reproducible with a seed and narrows with more data', async () => {
    const small = world.sample(500, 11);
    const a = await evaluateOffPolicy(small, world.target, { bootstrap: 100, seed: 3, rewardModel: 'empirical' });
    const b = await evaluateOffPolicy(small, world.target, { bootstrap: 100, seed: 3, rewardModel: 'empirical' });
    expect(a.estimators).toEqual(b.estimators);
    const large = await evaluateOffPolicy(world.sample(8000, 11), world.target, {
      bootstrap: 100,
      seed: 3,
      rewardModel: 'empirical',
    });
    const width = (r: typeof a, name: EstimatorName): number => r.estimators[name].ci[1] - r.estimators[name].ci[0];
    expect(width(large, 'ips')).toBeLessThan(width(a, 'ips') / 2);
  });
});

describe('self-normalisation', () => {
  it('SNIPS equals IPS when the weights average to 1', () => {
    const inputs = inputsOf([0.5, 1.5, 2, 0], [1, 0, 1, 1]);
    const estimates = pointEstimates(inputs, PARAMS);
    expect(estimates.ips).toBeCloseTo((0.5 + 2) / 4, 12);
    expect(estimates.snips).toBeCloseTo(estimates.ips, 12);
  });

  it('SNIPS rescales IPS by the mean weight otherwise', () => {
    const inputs = inputsOf([2, 2, 2, 2], [1, 0, 0, 1]);
    const estimates = pointEstimates(inputs, PARAMS);
    expect(estimates.ips).toBeCloseTo(1, 12);
    expect(estimates.snips).toBeCloseTo(0.5, 12);
  });

  it('on-policy (target = logging policy) every weight is 1 and IPS = SNIPS = the logged mean', async () => {
    const feedback = world.sample(2000, 21);
    const logging: TargetPolicy = {
      spec: 'logging',
      description: 'the logging policy itself',
      actionProbabilities: (round) => world.logging(Number(round.context.categories[0]!.slice(1)), round.position),
    };
    const { estimates, inputs } = await estimateOffPolicy(feedback, logging, { rewardModel: 'empirical' });
    const mean = feedback.rounds.reduce((s, r) => s + r.reward, 0) / feedback.rounds.length;
    expect(Math.max(...inputs.weight)).toBeCloseTo(1, 12);
    expect(estimates.ips).toBeCloseTo(mean, 12);
    expect(estimates.snips).toBeCloseTo(mean, 12);
  });
});

describe('clipping, switching and shrinkage', () => {
  const inputs = inputsOf([0.2, 1, 4, 30], [1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5], [0.6, 0.6, 0.6, 0.6]);

  it('a clip above every weight changes nothing; a lower one caps each weight', () => {
    const loose = pointEstimates(inputs, { ...PARAMS, clip: 1000 });
    expect(loose['ips-clipped']).toBe(loose.ips);
    expect(loose['dr-clipped']).toBe(loose.dr);
    const tight = pointEstimates(inputs, { ...PARAMS, clip: 3 });
    expect(tight['ips-clipped']).toBeCloseTo((0.2 + 1 + 3 + 3) / 4, 12);
    expect(tight['ips-clipped']).toBeLessThan(tight.ips);
    expect(tight['dr-clipped']).toBeCloseTo(0.6 + (0.5 * (0.2 + 1 + 3 + 3)) / 4, 12);
  });

  it('switch-dr drops the correction above the threshold, dr-os goes from DM (lambda 0) to DR (lambda infinite)', () => {
    const switched = pointEstimates(inputs, { ...PARAMS, switchThreshold: 10 });
    expect(switched['switch-dr']).toBeCloseTo(0.6 + (0.5 * (0.2 + 1 + 4)) / 4, 12);
    const below = pointEstimates(inputs, { ...PARAMS, switchThreshold: 0.1 });
    expect(below['switch-dr']).toBeCloseTo(below.dm, 12);
    expect(pointEstimates(inputs, { ...PARAMS, shrinkage: 0 })['dr-os']).toBeCloseTo(0.6, 12);
    const infinite = pointEstimates(inputs, { ...PARAMS, shrinkage: Number.POSITIVE_INFINITY });
    expect(infinite['dr-os']).toBeCloseTo(infinite.dr, 12);
  });

  it('clipping lowers the variance of IPS on a log with extreme weights', async () => {
    const sharp = createSyntheticWorld({ targetSharpness: 6 });
    const feedback = sharp.sample(3000, 31);
    const report = await evaluateOffPolicy(feedback, sharp.target, { bootstrap: 200, seed: 4, clip: 5, rewardModel: 'empirical' });
    expect(report.weights.max).toBeGreaterThan(5);
    expect(report.estimators['ips-clipped'].standardError).toBeLessThan(report.estimators.ips.standardError);
  });
});
