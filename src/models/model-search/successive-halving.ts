/**
 * Random search with successive halving (Jamieson & Talwalkar 2016; one Hyperband bracket
 * shape, repeated while the budget lasts), strategy-agnostic: the "resource" is the share of
 * users a trial trains and validates on, so a poor configuration is dropped after costing a
 * quarter of a full trial.
 *
 * Why not a Bayesian optimiser: recgate's spaces are small (4-5 params), trials differ in cost
 * by 10x or more (epochs, factors), and a time budget of minutes buys ~10-30 trials; a GP or
 * TPE needs more trials than that before its model beats random sampling, while halving saves
 * most of the cost of bad draws from the first rung. It is also trivially deterministic.
 *
 * Order of trials, fixed by the seed: trial 0 is the configured params (no change) on all
 * users, so the gain over defaults is always measured and the search can only keep or improve
 * on them (on validation). Then brackets: 8 sampled configurations on 1/4 of the users, the
 * best 4 on 1/2, the best 2 on all users; repeat with new samples. The best configuration on
 * all users wins. The same seed, data and trial count give the same trials and the same choice;
 * a time budget only decides where the sequence stops.
 */
import { isRecgateError, rgError } from '../../errors.js';
import { createRandom } from '../../ml/random.js';
import type { SearchSpace } from '../../strategies/contract.js';
import { sampleConfiguration } from '../../strategies/search-space.js';

export type Configuration = Readonly<Record<string, number | string | boolean>>;

/** The share of users each rung of a bracket uses, and how many configurations enter it. */
export const BRACKET = [
  { fraction: 0.25, configurations: 8 },
  { fraction: 0.5, configurations: 4 },
  { fraction: 1, configurations: 2 },
] as const;

export interface SearchTrial {
  /** 0 = the configured params; then in the order run. */
  readonly index: number;
  /** Values of the searched params this trial tried ({} for trial 0: the configured ones). */
  readonly configuration: Configuration;
  /** Share of users trained and validated on. */
  readonly fraction: number;
  /** Validation nDCG@10; null when the budget ran out during the trial or the data was too thin. */
  readonly score: number | null;
  readonly seconds: number;
}

export interface SearchOptions {
  readonly space: SearchSpace;
  readonly seed: number;
  /** Wall-clock budget of the whole search; the trial running when it ends is cut and discarded. */
  readonly budgetMs: number;
  /** Stop after this many trials (tests; a deterministic end). @default unlimited */
  readonly maxTrials?: number;
  /** The job's signal: aborting it ends the search with `RG_ERR_TRAINING_ABORTED`. */
  readonly signal: AbortSignal;
  /** Validation score (higher is better) of a configuration trained on `fraction` of the users. */
  evaluate(configuration: Configuration, fraction: number, signal: AbortSignal): Promise<number | null>;
  readonly onTrial?: (trial: SearchTrial) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** Names the search in errors. */
  readonly name: string;
}

export interface SearchOutcome {
  /** The winning configuration ({} when the configured params won). */
  readonly best: Configuration;
  readonly bestScore: number | null;
  /** Trial 0's score: the configured params on all users. */
  readonly defaultScore: number | null;
  readonly trials: readonly SearchTrial[];
  readonly seconds: number;
  readonly stoppedBy: 'budget' | 'trials';
}

class BudgetSpent extends Error {}

export async function successiveHalvingSearch(options: SearchOptions): Promise<SearchOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, options.budgetMs));
  const trialSignal = AbortSignal.any([options.signal, deadline.signal]);
  const random = createRandom(options.seed);
  const trials: SearchTrial[] = [];
  const maxTrials = options.maxTrials ?? Number.POSITIVE_INFINITY;

  const run = async (configuration: Configuration, fraction: number): Promise<number | null> => {
    if (trials.length >= maxTrials) throw new BudgetSpent('trials');
    if (deadline.signal.aborted) throw new BudgetSpent('budget');
    const t0 = now();
    let score: number | null;
    try {
      score = await options.evaluate(configuration, fraction, trialSignal);
    } catch (error) {
      if (options.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: options.name }, { cause: error });
      if (deadline.signal.aborted && isRecgateError(error) && error.code === 'RG_ERR_TRAINING_ABORTED') {
        trials.push({ index: trials.length, configuration, fraction, score: null, seconds: (now() - t0) / 1000 });
        options.onTrial?.(trials.at(-1)!);
        throw new BudgetSpent('budget');
      }
      throw error;
    }
    const trial = { index: trials.length, configuration, fraction, score, seconds: (now() - t0) / 1000 };
    trials.push(trial);
    options.onTrial?.(trial);
    return score;
  };

  let stoppedBy: SearchOutcome['stoppedBy'] = 'budget';
  try {
    await run({}, 1);
    for (;;) {
      let entrants: Configuration[] = Array.from({ length: BRACKET[0].configurations }, () => sampleConfiguration(options.space, random));
      for (const [rung, { fraction }] of BRACKET.entries()) {
        const scored: Array<{ configuration: Configuration; score: number; order: number }> = [];
        for (const [order, configuration] of entrants.entries()) {
          const score = await run(configuration, fraction);
          if (score !== null && Number.isFinite(score)) scored.push({ configuration, score, order });
        }
        const next = BRACKET[rung + 1];
        if (!next) break;
        // Best first; ties keep the draw order, so the choice never depends on sort stability.
        scored.sort((a, b) => b.score - a.score || a.order - b.order);
        entrants = scored.slice(0, next.configurations).map((s) => s.configuration);
      }
    }
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    stoppedBy = error.message === 'trials' ? 'trials' : 'budget';
  } finally {
    clearTimeout(timer);
  }

  const full = trials.filter((t) => t.fraction === 1 && t.score !== null);
  const winner = full.reduce<SearchTrial | null>((best, t) => (best === null || t.score! > best.score! ? t : best), null);
  return {
    best: winner?.configuration ?? {},
    bestScore: winner?.score ?? null,
    defaultScore: trials[0]?.score ?? null,
    trials,
    seconds: (now() - started) / 1000,
    stoppedBy,
  };
}
