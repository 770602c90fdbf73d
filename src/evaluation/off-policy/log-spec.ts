/**
 * The `--log <source>` grammar:
 *
 *   obd:<file.csv>   an Open Bandit Dataset log (item_context.csv beside it is read too)
 *   impressions      recgate's own impression log (served by the host once the meta-policy
 *                    records slates with their propensities)
 */
import { rgError } from '../../errors.js';
import type { BanditFeedbackSource } from './feedback-source.js';
import { obdFeedbackSource } from './obd-reader.js';

export const SUPPORTED_LOG_SPECS = 'obd:<file.csv>, impressions';

export interface FeedbackSourceProviders {
  /** recgate's impression log; the host provides it when the meta-policy logs propensities. */
  readonly impressions?: BanditFeedbackSource;
}

export function resolveFeedbackSource(spec: string, providers: FeedbackSourceProviders = {}): BanditFeedbackSource {
  const trimmed = spec.trim();
  if (trimmed.startsWith('obd:')) {
    const file = trimmed.slice('obd:'.length);
    if (file === '') {
      throw rgError('RG_ERR_OPE_LOG_SOURCE', { spec, reason: 'no file after "obd:"', supported: SUPPORTED_LOG_SPECS });
    }
    return obdFeedbackSource(file);
  }
  if (trimmed === 'impressions') {
    if (providers.impressions) return providers.impressions;
    throw rgError('RG_ERR_OPE_LOG_SOURCE', {
      spec,
      reason:
        "recgate's impression log has no propensities yet: it becomes a bandit log once the meta-policy records, for every served slate, the probability of each item at each position. Until then evaluate on an Open Bandit Dataset file",
      supported: SUPPORTED_LOG_SPECS,
    });
  }
  throw rgError('RG_ERR_OPE_LOG_SOURCE', { spec, reason: 'unknown log source', supported: SUPPORTED_LOG_SPECS });
}
