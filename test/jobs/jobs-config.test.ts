/** The configuration of jobs and model versions: defaults, per-strategy metrics, bad values. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { decidePromotion, promotionMetricFor } from '../../src/models/promotion-rule.js';

describe('jobs configuration', () => {
  it('has defaults, and takes a promotion metric per strategy', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ modelPollSeconds: 30, queuePrefix: 'recgate', adaptDebounceMs: 250, adaptedStateTtlSeconds: 30 * 24 * 3600 });
    expect(loadConfig({ RECGATE_ADAPTED_STATE_TTL_SECONDS: '3600' }).adaptedStateTtlSeconds).toBe(3600);
    expect(promotionMetricFor('two-tower', defaults.promotionMetrics)).toBe('heldOutNdcgAt10');
    const custom = loadConfig({ RECGATE_PROMOTION_METRIC: 'heldOutHitRateAt10, two-tower=heldOutRecallAt10' });
    expect(promotionMetricFor('two-tower', custom.promotionMetrics)).toBe('heldOutRecallAt10');
    expect(promotionMetricFor('popularity', custom.promotionMetrics)).toBe('heldOutHitRateAt10');
  });

  it('refuses bad values with RG_ERR_CONFIG', () => {
    expect(() => loadConfig({ RECGATE_PROMOTION_METRIC: 'two-tower=' })).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG' }));
    expect(() => loadConfig({ RECGATE_QUEUE_PREFIX: 'has space' })).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG' }));
    expect(() => loadConfig({ RECGATE_MODEL_POLL_SECONDS: '-1' })).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG' }));
    for (const ttl of ['0', '1.5', 'a week']) {
      expect(() => loadConfig({ RECGATE_ADAPTED_STATE_TTL_SECONDS: ttl })).toThrow(
        expect.objectContaining({ code: 'RG_ERR_CONFIG', message: expect.stringContaining('RECGATE_ADAPTED_STATE_TTL_SECONDS') }),
      );
    }
    expect(() => loadConfig({ RECGATE_ADAPT_DEBOUNCE_MS: '-5' })).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG' }));
  });

  it('promotes only a strict improvement on the configured metric', () => {
    const live = { id: 'v1', metrics: { heldOutNdcgAt10: 0.07 } };
    expect(decidePromotion({ metrics: { heldOutNdcgAt10: 0.08 } }, live, 'heldOutNdcgAt10').promote).toBe(true);
    expect(decidePromotion({ metrics: { heldOutNdcgAt10: 0.07 } }, live, 'heldOutNdcgAt10').promote).toBe(false);
    expect(decidePromotion({ metrics: {} }, live, 'heldOutNdcgAt10')).toEqual({ promote: false, reason: 'candidate has no heldOutNdcgAt10' });
    expect(decidePromotion({ metrics: {} }, null, 'heldOutNdcgAt10').promote).toBe(true);
  });
});
