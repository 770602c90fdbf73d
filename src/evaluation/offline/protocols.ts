/**
 * The named split protocols of offline evaluation. One list: the CLI, the bench and the
 * result JSON all take their names from here.
 */
import { rgError } from '../../errors.js';

export const EVAL_PROTOCOLS = ['stratified', 'temporal'] as const;

/**
 * - `stratified`: per user, a random 75% of their relevant items train and 25% test
 *   (Microsoft Recommenders' `python_stratified_split`, ratio 0.75, filter_by "user").
 * - `temporal`: per user, the item of their last interaction is the test, everything
 *   before it trains (leave-last-one-out).
 */
export type EvalProtocol = (typeof EVAL_PROTOCOLS)[number];

export function isEvalProtocol(value: unknown): value is EvalProtocol {
  return typeof value === 'string' && (EVAL_PROTOCOLS as readonly string[]).includes(value);
}

/** The protocol of that name, or `RG_ERR_EVAL_PROTOCOL`. */
export function parseEvalProtocol(value: string): EvalProtocol {
  if (!isEvalProtocol(value)) throw rgError('RG_ERR_EVAL_PROTOCOL', { protocol: value, protocols: EVAL_PROTOCOLS.join(', ') });
  return value;
}

/**
 * Every protocol `recgate eval` runs: the split protocols above, and `cold-start` (test users
 * removed from training, ranked after 0, 1, 3, ... of their first interactions; see
 * cold-start-split.ts), whose results have their own shape.
 */
export const OFFLINE_PROTOCOLS = [...EVAL_PROTOCOLS, 'cold-start'] as const;

export type OfflineProtocol = (typeof OFFLINE_PROTOCOLS)[number];

/** The `recgate eval` protocol of that name, or `RG_ERR_EVAL_PROTOCOL`. */
export function parseOfflineProtocol(value: string): OfflineProtocol {
  if (!(OFFLINE_PROTOCOLS as readonly string[]).includes(value)) {
    throw rgError('RG_ERR_EVAL_PROTOCOL', { protocol: value, protocols: OFFLINE_PROTOCOLS.join(', ') });
  }
  return value as OfflineProtocol;
}
