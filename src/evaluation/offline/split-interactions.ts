import type { CatalogItem, InteractionRecord } from '../../strategies/contract.js';
import type { EvaluationSplit, SplitOptions } from './evaluation-split.js';
import type { EvalProtocol } from './protocols.js';
import { stratifiedSplit } from './stratified-split.js';
import { temporalSplit } from './temporal-split.js';

const SPLITTERS: Record<EvalProtocol, typeof stratifiedSplit> = {
  stratified: stratifiedSplit,
  temporal: temporalSplit,
};

/** Splits interactions under a named protocol; throws `RG_ERR_EVAL_NO_DATA` when no user qualifies. */
export function splitInteractions(
  protocol: EvalProtocol,
  interactions: readonly InteractionRecord[],
  items: readonly CatalogItem[],
  options: SplitOptions,
): EvaluationSplit {
  return SPLITTERS[protocol](interactions, items, options);
}
