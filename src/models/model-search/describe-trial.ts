import type { SearchOutcome, SearchTrial } from './successive-halving.js';

const formatValue = (value: number | string | boolean): string => (typeof value === 'number' ? String(Number(value.toPrecision(3))) : String(value));

/**
 * One line per trial, as the train job's progress phase and the CLI show it:
 * `trial 4, rung 0 (25 % of users, short training): learningRate 0.0123, dim 64; validation nDCG@10 0.0412`.
 */
export function describeTrial(trial: SearchTrial): string {
  const short = trial.shortTraining ? ', short training' : '';
  const values = Object.entries(trial.configuration).map(([param, value]) => `${param} ${formatValue(value)}`);
  const what = (trial.configured ? ['configured params', ...values] : values).join(', ');
  const score = trial.score === null ? 'cut by the budget' : trial.score.toFixed(4);
  return `trial ${trial.index}, rung ${trial.rung} (${Math.round(trial.fraction * 100)} % of users${short}): ${what}; validation nDCG@10 ${score}`;
}

/** The search's last line: why it stopped and what won, e.g. `stopped: 15 trials run; winner: trial 14 (rung 2, 100 % of users), 1.05x the configured params`. */
export function describeOutcome(outcome: SearchOutcome): string {
  const { winner } = outcome;
  const gain = outcome.bestScore !== null && outcome.defaultScore ? `, ${(outcome.bestScore / outcome.defaultScore).toFixed(2)}x the configured params` : '';
  const what =
    winner === null
      ? 'the configured params (no trial finished)'
      : `${winner.configured ? 'the configured params' : `trial ${winner.index}`} (rung ${winner.rung}, ${Math.round(winner.fraction * 100)} % of users)${gain}`;
  return `stopped: ${outcome.stopReason}; winner: ${what}`;
}
