/**
 * Model search for one registered strategy: successive halving over its declared search space,
 * each trial scored by validation nDCG@10 (the offline evaluator, on data that excludes the
 * job's held-out test), then the winner's params. Trials are reported as flat numeric metrics
 * so they are stored with the model version (`ModelVersion.metrics`, a JSON column) and shown
 * by the `modelVersions` query without a schema change.
 */
import { isRecgateError } from '../../errors.js';
import { evaluateStrategies } from '../../evaluation/offline/index.js';
import type { CatalogItem, InteractionRecord, Logger, SearchSpace } from '../../strategies/contract.js';
import { parseStrategyParams } from '../../strategies/params.js';
import { searchSpaceOf } from '../../strategies/search-space.js';
import type { RegisteredStrategy } from '../../strategies/registry.js';
import { searchData, usersShare } from './search-data.js';
import { successiveHalvingSearch, type SearchOutcome, type SearchTrial } from './successive-halving.js';

export interface ModelSearchOptions {
  readonly seed: number;
  readonly budgetMs: number;
  /** Stop after this many trials (a deterministic end, for tests). @default unlimited */
  readonly maxTrials?: number;
  readonly signal: AbortSignal;
  readonly log?: Logger;
  readonly onTrial?: (trial: SearchTrial, elapsedMs: number) => void;
}

export interface ModelSearchResult {
  /** The strategy's params with the winning values (validated). */
  readonly params: unknown;
  readonly outcome: SearchOutcome;
  /** `search*` metrics: summary and every trial (see `searchMetrics`). */
  readonly metrics: Record<string, number>;
}

/**
 * Names a searched integer param may have to be the strategy's training length (passes over
 * the data): early rungs train its smallest value (`SearchOptions.shortTraining`). A plugin
 * whose space names one gets the cheap early rungs too.
 */
export const TRAINING_LENGTH_PARAMS = ['epochs', 'iterations'] as const;

/** The space's training-length param and its smallest value, if it has one. */
export function shortTrainingOf(space: SearchSpace): { param: string; value: number } | undefined {
  for (const param of TRAINING_LENGTH_PARAMS) {
    const dimension = space[param];
    if (dimension?.kind === 'int') return { param, value: dimension.min };
  }
  return undefined;
}

const asNumber = (value: number | string | boolean, choices: readonly unknown[] | null): number | null =>
  typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : choices ? choices.indexOf(value) : null;

/**
 * `searchTrials`, `searchSeconds`, `searchBudgetSeconds`, `searchDefaultValidationNdcgAt10` and
 * `searchBestValidationNdcgAt10` (the configured params and the winner on the winner's rung),
 * `searchBestUsersShare`, and per trial i (two digits) `searchTrial.<i>.validationNdcgAt10`
 * (-1 when cut by the budget or too little data), `.usersShare`, `.rung`, `.configured` (0/1),
 * `.seconds`, and `.<param>` for every searched param it trained with (booleans 0/1, string
 * choices by their index in the space; absent for a param the configured params leave automatic).
 */
export function searchMetrics(entry: RegisteredStrategy, outcome: SearchOutcome, budgetMs: number): Record<string, number> {
  const space = entry.definition.searchSpace ?? {};
  const configured = entry.params as Record<string, number | string | boolean>;
  const out: Record<string, number> = {
    searchTrials: outcome.trials.length,
    searchSeconds: outcome.seconds,
    searchBudgetSeconds: budgetMs / 1000,
  };
  if (outcome.defaultScore !== null) out.searchDefaultValidationNdcgAt10 = outcome.defaultScore;
  if (outcome.bestScore !== null) out.searchBestValidationNdcgAt10 = outcome.bestScore;
  if (outcome.bestFraction !== null) out.searchBestUsersShare = outcome.bestFraction;
  for (const trial of outcome.trials) {
    const key = `searchTrial.${String(trial.index).padStart(2, '0')}`;
    out[`${key}.validationNdcgAt10`] = trial.score ?? -1;
    out[`${key}.usersShare`] = trial.fraction;
    out[`${key}.rung`] = trial.rung;
    out[`${key}.configured`] = Number(trial.configured);
    out[`${key}.seconds`] = trial.seconds;
    for (const [param, dimension] of Object.entries(space)) {
      const value = trial.configuration[param] ?? configured[param];
      const numeric = value === undefined ? null : asNumber(value, dimension.kind === 'choice' ? dimension.values : null);
      if (numeric !== null) out[`${key}.${param}`] = numeric;
    }
  }
  return out;
}

export async function searchStrategyParams(
  entry: RegisteredStrategy,
  interactions: readonly InteractionRecord[],
  items: readonly CatalogItem[],
  options: ModelSearchOptions,
): Promise<ModelSearchResult> {
  const { definition } = entry;
  const space = searchSpaceOf(definition);
  const data = searchData(interactions, items, options.seed);
  const started = Date.now();
  options.log?.info('model search: starting', {
    strategy: definition.name,
    protocol: data.protocol,
    users: data.users.length,
    budgetSeconds: options.budgetMs / 1000,
  });
  const outcome = await successiveHalvingSearch({
    name: definition.name,
    space,
    seed: options.seed,
    budgetMs: options.budgetMs,
    maxTrials: options.maxTrials,
    signal: options.signal,
    shortTraining: shortTrainingOf(space),
    onTrial: (trial) => {
      options.log?.info('model search: trial', { strategy: definition.name, ...trial });
      options.onTrial?.(trial, Date.now() - started);
    },
    evaluate: async (configuration, fraction, signal) => {
      try {
        const result = await evaluateStrategies({
          strategies: [{ definition, params: { ...(entry.params as object), ...configuration } }],
          interactions: usersShare(data, fraction),
          items,
          protocol: data.protocol,
          k: 10,
          seed: options.seed,
          signal,
        });
        return result.strategies[0]!.metrics.ndcgAtK;
      } catch (error) {
        if (isRecgateError(error) && error.code === 'RG_ERR_EVAL_NO_DATA') return null;
        throw error;
      }
    },
  });
  return {
    params: parseStrategyParams(definition, { ...(entry.params as object), ...outcome.best }),
    outcome,
    metrics: searchMetrics(entry, outcome, options.budgetMs),
  };
}
