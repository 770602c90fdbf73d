/**
 * `ope`'s default reward model fits the log: logistic for 0/1 rewards, empirical for any
 * other scale (recgate's impressions reward a purchase with 5), and the report says which.
 */
import { describe, expect, it } from 'vitest';
import { chooseRewardModel, evaluateOffPolicy, formatOffPolicyReport } from '../../../src/evaluation/off-policy/index.js';
import { createSyntheticWorld } from './synthetic-world.js';

const world = createSyntheticWorld();
const clicks = world.sample(2_000, 11);
const purchases = { ...clicks, rounds: clicks.rounds.map((round) => ({ ...round, reward: round.reward * 5 })) };

describe('the reward model by default (auto)', () => {
  it('is logistic on 0/1 rewards and empirical on rewards outside [0, 1], saying why', () => {
    expect(chooseRewardModel('auto', clicks)).toEqual({ kind: 'logistic', reason: 'auto: every reward is in [0, 1]' });
    expect(chooseRewardModel('auto', purchases)).toMatchObject({ kind: 'empirical', reason: expect.stringContaining('outside [0, 1] (e.g. 5)') });
    expect(chooseRewardModel('logistic', purchases)).toEqual({ kind: 'logistic', reason: 'as asked' });
  });

  it('evaluates a log with rewards of 5 without options, and the report names the model and the reason', async () => {
    const report = await evaluateOffPolicy(purchases, world.target, { bootstrap: 20, seed: 1 });
    const same = await evaluateOffPolicy(clicks, world.target, { bootstrap: 20, seed: 1, rewardModel: 'empirical' });
    expect(report.options.rewardModel).toBe('empirical');
    // Every estimator is linear in the rewards with the empirical model: exactly 5 times.
    expect(report.estimators.dr.estimate).toBeCloseTo(5 * same.estimators.dr.estimate, 9);
    expect(report.estimators.dm.estimate).toBeCloseTo(5 * same.estimators.dm.estimate, 9);
    expect(formatOffPolicyReport(report)).toContain('reward model empirical (auto: the log has rewards outside [0, 1]');
  });

  it('still refuses the logistic model when asked for it on such a log', async () => {
    await expect(evaluateOffPolicy(purchases, world.target, { bootstrap: 20, rewardModel: 'logistic' })).rejects.toMatchObject({
      code: 'RG_ERR_INVALID_INPUT',
    });
  });
});
