import { describe, expect, it } from 'vitest';
import { computeResults, type ResultsDesign } from '../../src/experiments/results.js';
import {
  addSums,
  bayesian,
  chiSquareUpperTail,
  compare,
  cupedAdjustment,
  cupedEstimate,
  estimateMetric,
  holmAdjust,
  normalCdf,
  normalQuantile,
  power,
  sequentialInterval,
  srmCheck,
  sumUsers,
  type VariantSums,
} from '../../src/experiments/statistics/index.js';
import { createRandom, simulateUser, simulateUsers } from './simulate.js';

const user = (impressions: number, clicks: number, preReward = 0) => ({ impressions, clicks, reward: clicks, conversions: 0, preReward });

describe('formulas against hand-computed cases', () => {
  // control: (impressions, clicks) per user (2,1) (4,1) (3,0); treatment (2,2) (5,1) (1,1).
  const control = sumUsers([user(2, 1), user(4, 1), user(3, 0)]);
  const treatment = sumUsers([user(2, 2), user(5, 1), user(1, 1)]);

  it('delta method for a ratio metric', () => {
    // control: mx = 3, my = 2/3, s_x^2 = 1, s_y^2 = 1/3, s_xy = 0
    // Var = (1/3) (s_y^2/mx^2 - 2 my s_xy/mx^3 + my^2 s_x^2/mx^4) = (1/3)(1/27 + (4/9)/81) = 0.0141746...
    const c = estimateMetric(control, 'ctr');
    expect(c.value).toBeCloseTo(2 / 9, 12);
    expect(c.variance).toBeCloseTo((1 / 27 + 4 / 729) / 3, 12);
    // treatment: mx = 8/3, my = 4/3, s_x^2 = 13/3, s_y^2 = 1/3, s_xy = -1/3 (by hand): 0.08203125
    expect(estimateMetric(treatment, 'ctr').variance).toBeCloseTo(0.08203125, 10);
  });

  it('mean metric, difference, lift, p-value and intervals', () => {
    expect(estimateMetric(control, 'clicks_per_user')).toMatchObject({ value: 2 / 3, variance: expect.closeTo(1 / 9, 12) });
    const c = compare(estimateMetric(treatment, 'ctr'), estimateMetric(control, 'ctr'), 0.05);
    // d = 1/2 - 2/9 = 0.27778, se = sqrt(0.0141747 + 0.0820313) = 0.310171, z = 0.895564
    expect(c.difference).toBeCloseTo(5 / 18, 12);
    expect(c.differenceStandardError).toBeCloseTo(0.3101707892366013, 10);
    expect(c.pValue).toBeCloseTo(0.3704856956793735, 6);
    expect(c.differenceInterval[0]).toBeCloseTo(5 / 18 - 1.959963985 * 0.3101707892, 6);
    // lift = 0.5 / (2/9) - 1 = 1.25; se_L = sqrt(V_t/m_c^2 + m_t^2 V_c/m_c^4) = 1.764726
    expect(c.lift).toBeCloseTo(1.25, 12);
    expect(c.liftStandardError).toBeCloseTo(1.7647259879369375, 9);
  });

  it('normal and chi-square distributions', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(chiSquareUpperTail(3.841458820694124, 1)).toBeCloseTo(0.05, 7);
    expect(chiSquareUpperTail(5.991464547107979, 2)).toBeCloseTo(0.05, 7);
    expect(chiSquareUpperTail(10.827566170662733, 1)).toBeCloseTo(0.001, 8);
    expect(chiSquareUpperTail(30, 10)).toBeCloseTo(0.000857, 6);
  });

  it('Holm adjustment', () => {
    // sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, max(0.06, 1 x 0.04) = 0.06
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, expect.closeTo(0.06, 12)]);
  });

  it('SRM chi-square', () => {
    // (5200 - 5000)^2/5000 x 2 = 16 -> p = 6.3e-5
    const s = srmCheck([5200, 4800], [0.5, 0.5]);
    expect(s.chiSquare).toBeCloseTo(16, 12);
    expect(s.pValue).toBeCloseTo(6.334e-5, 7);
    expect(s.flagged).toBe(true);
    expect(srmCheck([5030, 4970], [0.5, 0.5]).flagged).toBe(false);
  });

  it('Bayesian chance to beat control is Phi(d / se)', () => {
    const c = compare({ value: 0.11, variance: 0.0001, users: 1 }, { value: 0.1, variance: 0.0001, users: 1 }, 0.05);
    expect(bayesian(c, 0.05).chanceToBeatControl).toBeCloseTo(normalCdf(0.01 / Math.sqrt(0.0002)), 12);
  });

  it('sequential intervals are wider than fixed-horizon ones and shrink with users', () => {
    const small = sequentialInterval(0.01, 0.005, 1000, 0.05);
    const large = sequentialInterval(0.01, 0.005 / Math.sqrt(10), 10_000, 0.05);
    expect(small.interval[1] - 0.01).toBeGreaterThan(1.96 * 0.005);
    expect(large.interval[1] - large.interval[0]).toBeLessThan(small.interval[1] - small.interval[0]);
    expect(small.pValue).toBeGreaterThan(2 * (1 - normalCdf(2)));
  });

  it('CUPED leaves the estimate unbiased and shrinks the variance when the covariate predicts the metric', () => {
    const random = createRandom(7);
    const users = simulateUsers(random, 4000, { ctr: 0.1 });
    const a = sumUsers(users.slice(0, 2000));
    const b = sumUsers(users.slice(2000));
    const adj = cupedAdjustment([a, b], 'clicks_per_user')!;
    expect(adj.theta).toBeGreaterThan(0);
    const plain = estimateMetric(a, 'clicks_per_user');
    const adjusted = cupedEstimate(a, 'clicks_per_user', adj);
    expect(adjusted.variance).toBeLessThan(plain.variance * 0.9);
    expect(Math.abs(adjusted.value - plain.value)).toBeLessThan(4 * Math.sqrt(plain.variance));
  });
});

describe('simulations (seeded)', () => {
  const design: ResultsDesign = {
    variants: [
      { key: 'control', weight: 0.5 },
      { key: 'treatment', weight: 0.5 },
    ],
    control: 'control',
    primaryMetric: 'ctr',
    guardrailMetrics: [],
  };
  const ctrOf = (c: Map<string, VariantSums>) => computeResults(design, c).metrics.find((m) => m.metric === 'ctr')!.variants[1]!.comparison!;

  it('1,000 A/A experiments: the fixed-horizon false-positive rate at alpha 0.05 is within [0.035, 0.065]', () => {
    const random = createRandom(2026);
    let positives = 0;
    for (let i = 0; i < 1000; i++) {
      const sums = new Map([
        ['control', sumUsers(simulateUsers(random, 300, { ctr: 0.1 }))],
        ['treatment', sumUsers(simulateUsers(random, 300, { ctr: 0.1 }))],
      ]);
      if (ctrOf(sums).pValue < 0.05) positives++;
    }
    console.info(`A/A false-positive rate over 1,000 experiments: ${positives / 1000}`);
    expect(positives / 1000).toBeGreaterThanOrEqual(0.035);
    expect(positives / 1000).toBeLessThanOrEqual(0.065);
  });

  it('peeking every day for 30 days: the sequential method stays at or below alpha, naive repeated testing does not', () => {
    const random = createRandom(30);
    const runs = 400;
    let naive = 0;
    let sequential = 0;
    for (let r = 0; r < runs; r++) {
      let sums = new Map<string, VariantSums>([
        ['control', sumUsers([])],
        ['treatment', sumUsers([])],
      ]);
      let naiveHit = false;
      let sequentialHit = false;
      for (let day = 0; day < 30; day++) {
        sums = new Map([
          ['control', addSums(sums.get('control')!, sumUsers(simulateUsers(random, 40, { ctr: 0.1 })))],
          ['treatment', addSums(sums.get('treatment')!, sumUsers(simulateUsers(random, 40, { ctr: 0.1 })))],
        ]);
        const c = ctrOf(sums);
        if (c.pValue < 0.05) naiveHit = true;
        if (c.sequential.significant) sequentialHit = true;
      }
      if (naiveHit) naive++;
      if (sequentialHit) sequential++;
    }
    console.info(`peeking 30 days, ${runs} A/A runs: naive ${naive / runs}, sequential ${sequential / runs}`);
    expect(sequential / runs).toBeLessThanOrEqual(0.05);
    expect(naive / runs).toBeGreaterThan(0.1);
  });

  it('a planted 15% CTR lift is detected at the power the formula reports', () => {
    const random = createRandom(99);
    const runs = 400;
    let detected = 0;
    const reported: number[] = [];
    for (let r = 0; r < runs; r++) {
      const sums = new Map([
        ['control', sumUsers(simulateUsers(random, 1500, { ctr: 0.1 }))],
        ['treatment', sumUsers(simulateUsers(random, 1500, { ctr: 0.115 }))],
      ]);
      const c = ctrOf(sums);
      if (c.pValue < 0.05 && c.difference > 0) detected++;
      reported.push(power(0.015, c.differenceStandardError, 0.05));
    }
    const expectedPower = reported.reduce((s, p) => s + p, 0) / runs;
    console.info(`planted +15% CTR, 1,500 users per arm: detected ${detected / runs}, reported power ${expectedPower.toFixed(3)}`);
    expect(Math.abs(detected / runs - expectedPower)).toBeLessThan(0.07);
    expect(expectedPower).toBeGreaterThan(0.5);
  });

  it('a planted 10% exposure imbalance is flagged by SRM', () => {
    const random = createRandom(5);
    const observed = [0, 0];
    for (let i = 0; i < 20_000; i++) {
      const arm = random.next() < 0.5 ? 0 : 1;
      // The treatment loses 10% of its exposures (e.g. a slow variant that times out).
      if (arm === 1 && random.next() < 0.1) continue;
      observed[arm]!++;
    }
    expect(srmCheck(observed, [0.5, 0.5]).flagged).toBe(true);
    const fair = [0, 0];
    for (let i = 0; i < 20_000; i++) fair[random.next() < 0.5 ? 0 : 1]!++;
    expect(srmCheck(fair, [0.5, 0.5]).flagged).toBe(false);
  });

  it('one simulated user is a valid UserTotals', () => {
    const u = simulateUser(createRandom(1), { ctr: 0.5 });
    expect(u.impressions).toBeGreaterThanOrEqual(1);
    expect(u.clicks).toBeLessThanOrEqual(u.impressions);
  });
});
