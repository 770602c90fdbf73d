/**
 * Random search with successive halving (Jamieson & Talwalkar 2016; one Hyperband bracket
 * shape, repeated while the budget lasts), strategy-agnostic. A trial's "resource" is the share
 * of users it trains and validates on and, for a strategy whose space has a training-length
 * param (`epochs`, `iterations`), how long it trains: early rungs train the shortest length of
 * the space, so a poor configuration is dropped after costing a few percent of a full trial and
 * a budget of minutes tries many configurations, not one.
 *
 * Why not a Bayesian optimiser: recgate's spaces are small (2-5 params), trials differ in cost
 * by 10x or more (epochs, factors), and a time budget of minutes buys ~10-30 full-cost trials; a GP or
 * TPE needs more trials than that before its model beats random sampling, while halving saves
 * most of the cost of bad draws from the first rung. It is also trivially deterministic.
 *
 * Order of trials, fixed by the seed. A bracket: 8 sampled configurations on 1/4 of the users
 * with short training, the best 3 on 1/2 with short training, the best one on all users with
 * its own training length; repeat with new samples while the budget lasts. In the first bracket
 * the configured params (no change) run first in every rung whatever their rank, so the gain
 * over defaults is measured at every level and the search can only keep or improve on them (on
 * validation). The winner is the best trial of the highest rung where both the configured params
 * and a sampled configuration finished (all users and full training, unless the budget ran out
 * before): like is compared with like; a winner from a short rung trains the configured
 * length. A trial expected to outlast the budget (from the times of the trials before it) is not
 * started. The same seed, data and trial count give the same trials and the same choice; a time
 * budget only decides where the sequence stops.
 */
import { isRecgateError, rgError } from '../../errors.js';
import { createRandom } from '../../ml/random.js';
import type { SearchSpace } from '../../strategies/contract.js';
import { sampleConfiguration } from '../../strategies/search-space.js';

export type Configuration = Readonly<Record<string, number | string | boolean>>;

/**
 * The rungs of a bracket: the share of users, whether training is short, and how many sampled
 * configurations enter (the configured params come on top in the first bracket).
 */
export const BRACKET = [
  { fraction: 0.25, shortTraining: true, configurations: 8 },
  { fraction: 0.5, shortTraining: true, configurations: 3 },
  { fraction: 1, shortTraining: false, configurations: 1 },
] as const;

/** Trials of the first bracket: the configured params in each rung plus the sampled ones. */
export const FIRST_BRACKET_TRIALS = BRACKET.reduce((sum, rung) => sum + 1 + rung.configurations, 0);

export interface SearchTrial {
  /** 0 = the configured params on the first rung; then in the order run. */
  readonly index: number;
  /** Rung of the bracket (0 = the cheapest); higher rungs are closer to the real training. */
  readonly rung: number;
  /** True for the configured params (which then train as configured, or shortened). */
  readonly configured: boolean;
  /**
   * The values the trial trained with: the sampled ones ({} for the configured params), with
   * the training-length param set to the short length on early rungs.
   */
  readonly configuration: Configuration;
  /** Share of users trained and validated on. */
  readonly fraction: number;
  /** True when the trial trained the short length (an early rung of a space with a training-length param). */
  readonly shortTraining: boolean;
  /** Validation score; null when the budget ran out during the trial or the data was too thin. */
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
  /**
   * What early rungs change to train briefly: the training-length param and its short value.
   * Absent: every rung trains as configured/sampled (only the share of users changes).
   */
  readonly shortTraining?: { readonly param: string; readonly value: number };
  /** Validation score (higher is better) of a configuration trained on `fraction` of the users. */
  evaluate(configuration: Configuration, fraction: number, signal: AbortSignal): Promise<number | null>;
  readonly onTrial?: (trial: SearchTrial) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** Names the search in errors. */
  readonly name: string;
}

export interface SearchOutcome {
  /** What the winner changes in the params ({} when the configured params won; no training length when it won on a short rung). */
  readonly best: Configuration;
  readonly bestScore: number | null;
  /** The configured params' score on the winner's rung (the same users and training length). */
  readonly defaultScore: number | null;
  /** Share of users of the winner's rung. */
  readonly bestFraction: number | null;
  /** The winning trial; null when none finished. */
  readonly winner: SearchTrial | null;
  readonly trials: readonly SearchTrial[];
  readonly seconds: number;
  readonly stoppedBy: 'budget' | 'trials';
  /** Why it stopped, in words (the job's progress shows it). */
  readonly stopReason: string;
}

class BudgetSpent extends Error {
  constructor(
    readonly kind: 'budget' | 'trials',
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface Entrant {
  readonly configured: boolean;
  /** The sampled values ({} for the configured params). */
  readonly sampled: Configuration;
  /** Draw order, for ties. */
  readonly order: number;
}

const scoredTrial = (t: SearchTrial): boolean => t.score !== null && Number.isFinite(t.score);

/**
 * Like with like: the highest rung on which both the configured params and a sampled
 * configuration have a score, and its best trial (ties keep the earlier one, the configured
 * params first). A sampled configuration that only finished on a rung the configured params did
 * not reach is not compared with a score from fewer users or shorter training.
 */
function pickWinner(trials: readonly SearchTrial[]): SearchTrial | null {
  const rungs = [...new Set(trials.filter(scoredTrial).map((t) => t.rung))].sort((a, b) => b - a);
  const common = rungs.find(
    (r) => trials.some((t) => t.rung === r && t.configured && scoredTrial(t)) && trials.some((t) => t.rung === r && !t.configured && scoredTrial(t)),
  );
  const pool = trials.filter((t) => scoredTrial(t) && (common === undefined ? t.configured : t.rung === common));
  // Without a common rung only the configured params can win: on their highest rung.
  return pool.reduce<SearchTrial | null>(
    (best, t) => (best === null || t.rung > best.rung || (t.rung === best.rung && t.score! > best.score!) ? t : best),
    null,
  );
}

/**
 * What a winning sampled trial changes in the params. A winner from a short rung drops the
 * training length: there every entrant, the configured params included, trained the same short
 * length, so the comparison says nothing about it, and the short length is a way to rank
 * cheaply, not a candidate (measured: a two-tower winner trained 3 epochs scored 0.95x the
 * configured params on MovieTweetings' test split). It trains the configured length.
 */
function promoted(winner: SearchTrial, short: SearchOptions['shortTraining']): Configuration {
  if (!winner.shortTraining || short === undefined) return winner.configuration;
  const { [short.param]: _, ...rest } = winner.configuration;
  return rest;
}

/** Mean seconds of the finished trials on `rung`, or null when none finished. */
function meanSeconds(trials: readonly SearchTrial[], rung: number): number | null {
  const seconds = trials.filter((t) => t.rung === rung && scoredTrial(t)).map((t) => t.seconds);
  return seconds.length === 0 ? null : seconds.reduce((a, b) => a + b, 0) / seconds.length;
}

/**
 * `signal` whose `aborted` first runs `check`. The budget's timer fires only when the event loop
 * gets control, which a strategy computing synchronously between its abort checks (EASE's
 * matrix inversion) does not give back for minutes; reading the clock at each check stops such
 * a trial at the budget too. Aborting the deadline's controller aborts `signal` synchronously.
 */
function readsTheClock(signal: AbortSignal, check: () => void): AbortSignal {
  const aborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  Object.defineProperty(signal, 'aborted', {
    get(this: AbortSignal): boolean {
      check();
      return aborted.call(this) as boolean;
    },
  });
  return signal;
}

export async function successiveHalvingSearch(options: SearchOptions): Promise<SearchOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, options.budgetMs));
  const trialSignal = readsTheClock(AbortSignal.any([options.signal, deadline.signal]), () => {
    if (!deadline.signal.aborted && now() - started >= options.budgetMs) deadline.abort();
  });
  const random = createRandom(options.seed);
  const trials: SearchTrial[] = [];
  const maxTrials = options.maxTrials ?? Number.POSITIVE_INFINITY;
  const short = options.shortTraining;

  /**
   * What a trial should take: the mean of its rung's finished trials, or the rung below's
   * scaled by the share of users (and by the training length when the rung trains in full);
   * 0 when nothing is known yet (the first trial runs, and the budget cuts it if need be).
   */
  const expectedSeconds = (entrant: Entrant, rung: number): number => {
    const same = meanSeconds(trials, rung);
    if (same !== null) return same;
    const below = rung > 0 ? meanSeconds(trials, rung - 1) : null;
    if (below === null) return 0;
    const lengthValue = short ? entrant.sampled[short.param] : undefined;
    const longer =
      short && BRACKET[rung - 1]!.shortTraining && !BRACKET[rung]!.shortTraining && typeof lengthValue === 'number' ? lengthValue / short.value : 1;
    return below * (BRACKET[rung]!.fraction / BRACKET[rung - 1]!.fraction) * longer;
  };

  const run = async (entrant: Entrant, rung: number): Promise<number | null> => {
    if (trials.length >= maxTrials) throw new BudgetSpent('trials', `${maxTrials} trials run`);
    if (deadline.signal.aborted) throw new BudgetSpent('budget', 'the budget is spent');
    // A trial expected to outlast the budget would only be cut: end the search now instead.
    const expected = expectedSeconds(entrant, rung);
    const left = (options.budgetMs - (now() - started)) / 1000;
    if (expected > left) {
      throw new BudgetSpent('budget', `the next trial (rung ${rung}, about ${Math.round(expected)} s) would not finish in the ${Math.round(left)} s left`);
    }
    const { fraction, shortTraining } = BRACKET[rung]!;
    const configuration = shortTraining && short ? { ...entrant.sampled, [short.param]: short.value } : entrant.sampled;
    const t0 = now();
    const record = (score: number | null): void => {
      trials.push({
        index: trials.length,
        rung,
        configured: entrant.configured,
        configuration,
        fraction,
        shortTraining: shortTraining && short !== undefined,
        score,
        seconds: (now() - t0) / 1000,
      });
      options.onTrial?.(trials.at(-1)!);
    };
    let score: number | null;
    try {
      score = await options.evaluate(configuration, fraction, trialSignal);
    } catch (error) {
      if (options.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: options.name }, { cause: error });
      if (deadline.signal.aborted && isRecgateError(error) && error.code === 'RG_ERR_TRAINING_ABORTED') {
        record(null);
        throw new BudgetSpent('budget', `the budget ran out during trial ${trials.length - 1}`);
      }
      throw error;
    }
    record(score);
    return score;
  };

  let stop: BudgetSpent;
  try {
    for (let bracket = 0; ; bracket++) {
      const configured: Entrant[] = bracket === 0 ? [{ configured: true, sampled: {}, order: -1 }] : [];
      let sampled: Entrant[] = Array.from({ length: BRACKET[0].configurations }, (_, order) => ({
        configured: false,
        sampled: sampleConfiguration(options.space, random),
        order,
      }));
      for (const [rung, { configurations }] of BRACKET.entries()) {
        const scored: Array<{ entrant: Entrant; score: number }> = [];
        for (const entrant of [...configured, ...sampled.slice(0, configurations)]) {
          const score = await run(entrant, rung);
          if (!entrant.configured && score !== null && Number.isFinite(score)) scored.push({ entrant, score });
        }
        // Best first; ties keep the draw order, so the choice never depends on sort stability.
        scored.sort((a, b) => b.score - a.score || a.entrant.order - b.entrant.order);
        sampled = scored.map((s) => s.entrant);
      }
    }
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    stop = error;
  } finally {
    clearTimeout(timer);
  }

  const winner = pickWinner(trials);
  const baseline = winner === null ? undefined : trials.find((t) => t.configured && t.rung === winner.rung && scoredTrial(t));
  return {
    best: winner === null || winner.configured ? {} : promoted(winner, short),
    bestScore: winner?.score ?? null,
    defaultScore: baseline?.score ?? null,
    bestFraction: winner?.fraction ?? null,
    winner,
    trials,
    seconds: (now() - started) / 1000,
    stoppedBy: stop.kind,
    stopReason: stop.reason,
  };
}
