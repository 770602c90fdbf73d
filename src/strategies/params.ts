import { rgError } from '../errors.js';
import type { StrategyDefinition } from './contract.js';

/**
 * Validates raw params against a strategy's zod schema (defaults applied). Bad params are a
 * coded error naming the strategy and the first problem, so a config typo stops start-up.
 */
export function parseStrategyParams<P>(definition: Pick<StrategyDefinition<P, unknown>, 'name' | 'params'>, raw: unknown): P {
  const result = definition.params.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw rgError('RG_ERR_STRATEGY_PARAMS', { name: definition.name, reason: `${where}${issue?.message ?? 'invalid'}` });
  }
  return result.data;
}
