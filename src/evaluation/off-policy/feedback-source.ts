import type { LoggedBanditFeedback } from './bandit-feedback.js';

/**
 * Somewhere logged bandit feedback can be read from. The Open Bandit Dataset reader is one;
 * recgate's impression log (slates the meta-policy served, with the probability it served
 * each item at each position) will be another, implemented by the host, so the estimators
 * never see a database.
 */
export interface BanditFeedbackSource {
  /** The spec it was resolved from, e.g. `obd:random/men/men.csv` or `impressions`. */
  readonly spec: string;
  /** Reads and validates every round; throws a coded error (and returns nothing) on bad input. */
  load(options?: FeedbackLoadOptions): Promise<LoggedBanditFeedback>;
}

export interface FeedbackLoadOptions {
  /** Read only the first N rounds (quick looks and tests). @default all */
  readonly limit?: number;
}
