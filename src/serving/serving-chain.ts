/**
 * The serving chain: the strategy asked first when the meta-policy is off
 * (`RECGATE_SERVING_STRATEGY`), then the fallback. The fallback also answers when every arm
 * of a policy failed, tops up short slates, and is what the gateway trains itself. Every
 * reader (the service, the `strategies` query, the gateway's refresh) takes it from here.
 */
import { popularityStrategy } from '../strategies/builtin/popularity.js';

/** The strategy that answers when the chosen one has no model, fails, is too slow or has nothing. */
export const FALLBACK_STRATEGY = popularityStrategy.name;

export interface ServingChain {
  /** Asked in order, without repeats; the fallback is last. */
  readonly strategies: readonly string[];
  readonly fallback: string;
}

/** The chain for a configured first strategy; null: the fallback alone. */
export function servingChain(first: string | null): ServingChain {
  const strategies = first && first !== FALLBACK_STRATEGY ? [first, FALLBACK_STRATEGY] : [FALLBACK_STRATEGY];
  return Object.freeze({ strategies: Object.freeze(strategies), fallback: FALLBACK_STRATEGY });
}
