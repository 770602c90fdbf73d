/**
 * The successive-halving schedule on its own (the scores are a fixed function of the
 * configuration, so the schedule is what is under test): the configured params run first in
 * every rung of the first bracket, early rungs train short, the best sampled configurations
 * climb, the winner comes from the highest rung reached, and a budget or a trial count ends it.
 */
import { describe, expect, it } from 'vitest';
import { rgError } from '../../src/errors.js';
import { BRACKET, FIRST_BRACKET_TRIALS, successiveHalvingSearch, type Configuration } from '../../src/models/model-search/successive-halving.js';
import { shortTrainingOf } from '../../src/models/model-search/search-strategy-params.js';
import type { SearchSpace } from '../../src/strategies/contract.js';

const space: SearchSpace = {
  rate: { kind: 'float', min: 0.001, max: 1, log: true },
  epochs: { kind: 'int', min: 2, max: 40 },
};
/** Best at rate 0.1; more epochs help a little. The configured params ({}) score 0.5. */
const score = (c: Configuration): number => (c.rate === undefined ? 0.5 : 1 - Math.abs(Math.log10(c.rate as number) + 1) / 3 + (c.epochs as number) / 1000);

const search = (options: { maxTrials?: number; budgetMs?: number; evaluate?: (c: Configuration, fraction: number) => Promise<number | null> }) => {
  const seen: Array<{ configuration: Configuration; fraction: number }> = [];
  const outcome = successiveHalvingSearch({
    name: 'test',
    space,
    seed: 11,
    budgetMs: options.budgetMs ?? 60_000,
    maxTrials: options.maxTrials,
    signal: new AbortController().signal,
    shortTraining: shortTrainingOf(space),
    evaluate: async (configuration, fraction) => {
      seen.push({ configuration, fraction });
      return options.evaluate ? options.evaluate(configuration, fraction) : score(configuration);
    },
  });
  return { outcome, seen };
};

describe('successive halving', () => {
  it('runs the configured params in every rung of the first bracket, short training below the top', async () => {
    const { outcome } = search({ maxTrials: FIRST_BRACKET_TRIALS });
    const { trials } = await outcome;
    expect(trials).toHaveLength(FIRST_BRACKET_TRIALS);
    const perRung = BRACKET.map((rung, r) => trials.filter((t) => t.rung === r));
    for (const [r, rung] of BRACKET.entries()) {
      expect(perRung[r]).toHaveLength(rung.configurations + 1);
      expect(perRung[r]![0]!.configured).toBe(true);
      expect(perRung[r]!.every((t) => t.fraction === rung.fraction)).toBe(true);
      // Early rungs train the space's shortest length, the configured params included.
      if (rung.shortTraining) expect(perRung[r]!.every((t) => t.configuration.epochs === 2)).toBe(true);
    }
    // The top rung trains the sampled length; the configured params stay untouched ({}).
    expect(perRung[2]![0]!.configuration).toEqual({});
    expect(perRung[2]![1]!.configuration.epochs).not.toBe(2);
    // Each rung promotes the best of the one below (sampled ones; by rate, the short length being equal).
    const rate = (t: { configuration: Configuration }) => t.configuration.rate;
    const ranked = perRung[0]!.filter((t) => !t.configured).sort((a, b) => b.score! - a.score!);
    expect(perRung[1]!.slice(1).map(rate)).toEqual(ranked.slice(0, 3).map(rate));
    const outcomeValue = await outcome;
    expect(outcomeValue.best).toEqual(perRung[2]![1]!.configuration);
    expect(outcomeValue.bestScore).toBe(perRung[2]![1]!.score);
    expect(outcomeValue.defaultScore).toBe(0.5);
    expect(outcomeValue.bestFraction).toBe(1);
    expect(outcomeValue.stoppedBy).toBe('trials');
  });

  it('is deterministic under the seed', async () => {
    const a = await search({ maxTrials: 20 }).outcome;
    const b = await search({ maxTrials: 20 }).outcome;
    const strip = (o: typeof a) => o.trials.map(({ seconds: _, ...t }) => t);
    expect(strip(b)).toEqual(strip(a));
    expect(b.best).toEqual(a.best);
  });

  it('compares like with like, and keeps the configured params when they win', async () => {
    // Stopped inside rung 1: the winner is rung 1's best, compared with the configured params on rung 1.
    const inRung1 = await search({ maxTrials: BRACKET[0].configurations + 3 }).outcome;
    expect(inRung1.bestFraction).toBe(BRACKET[1].fraction);
    // Every entrant trained the short length there: the winner keeps the configured one.
    expect(inRung1.winner!.configuration.epochs).toBe(2);
    expect(inRung1.best).toEqual({ rate: inRung1.winner!.configuration.rate });
    expect(inRung1.defaultScore).toBe(0.5);
    // Stopped after the configured params' top-rung trial: no sample to compare with there, so rung 1 decides.
    const configuredOnTop = await search({ maxTrials: FIRST_BRACKET_TRIALS - 1 }).outcome;
    expect(configuredOnTop.trials.at(-1)).toMatchObject({ rung: 2, configured: true });
    expect(configuredOnTop.bestFraction).toBe(BRACKET[1].fraction);
    expect(configuredOnTop.winner!.configuration).toEqual(inRung1.trials.find((t) => t.rung === 1 && !t.configured)!.configuration);
    // Configured params that beat every sample: nothing changes.
    const configuredWins = await search({
      maxTrials: FIRST_BRACKET_TRIALS,
      evaluate: async (c) => (c.rate === undefined ? 2 : score(c)),
    }).outcome;
    expect(configuredWins.best).toEqual({});
    expect(configuredWins.bestScore).toBe(2);
    expect(configuredWins.defaultScore).toBe(2);
  });

  it('stops at its budget', async () => {
    const started = Date.now();
    const outcome = await search({
      budgetMs: 300,
      evaluate: (c) => new Promise((resolve) => setTimeout(() => resolve(score(c)), 40)),
    }).outcome;
    expect(outcome.stoppedBy).toBe('budget');
    expect(Date.now() - started).toBeLessThan(300 + 100);
    expect(outcome.trials.length).toBeGreaterThanOrEqual(5);
  });

  it('does not start a trial that the times before it say would outlast the budget', async () => {
    // 40 ms per trial on rung 0, 80 on rung 1, 160 for the configured params on top: 840 ms;
    // the sample on top trains epochs/2 times longer (at least 240 ms more), past the budget.
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const outcome = await search({
      budgetMs: 1000,
      evaluate: async (c, fraction) => {
        await wait(160 * fraction * (fraction === 1 && c.epochs !== undefined ? (c.epochs as number) / 2 : 1));
        return score(c);
      },
    }).outcome;
    expect(outcome.stoppedBy).toBe('budget');
    expect(outcome.trials).toHaveLength(FIRST_BRACKET_TRIALS - 1);
    expect(outcome.trials.every((t) => t.score !== null)).toBe(true);
    expect(outcome.seconds).toBeLessThan(1);
  });

  it('stops a trial that computes synchronously at the budget (it sees the clock at its abort checks)', async () => {
    const started = Date.now();
    const outcome = await successiveHalvingSearch({
      name: 'test',
      space,
      seed: 11,
      budgetMs: 200,
      signal: new AbortController().signal,
      evaluate: async (_, __, signal) => {
        // Never yields to the event loop, so the budget's timer cannot fire meanwhile.
        while (!signal.aborted) if (Date.now() - started > 5000) return 0;
        throw rgError('RG_ERR_TRAINING_ABORTED', { name: 'test' });
      },
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome.trials).toHaveLength(1);
    expect(outcome.trials[0]!.score).toBeNull();
    expect(outcome.stoppedBy).toBe('budget');
  });

  it('names no short training for a space without a training-length param', () => {
    expect(shortTrainingOf({ rate: space.rate! })).toBeUndefined();
    expect(shortTrainingOf({ iterations: { kind: 'int', min: 5, max: 30 } })).toEqual({ param: 'iterations', value: 5 });
  });
});
