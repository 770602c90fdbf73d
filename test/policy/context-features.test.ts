import { describe, expect, it } from 'vitest';
import { computeContextFeatures, FeatureLayout, FEATURE_VOCABULARIES } from '../../src/policy/index.js';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 10, 22, 13, 30);

describe('context features', () => {
  it('computes the declared features from the request', () => {
    const features = computeContextFeatures(['interactions', 'recency', 'new-user', 'surface', 'hour', 'context.device', 'context.missing'], {
      interactionCount: 7,
      lastInteractionAt: now - 3 * HOUR,
      known: true,
      surface: 'home',
      context: { device: 'ios', page: 2 },
      now,
    });
    expect(features).toEqual({
      interactions: '5-19',
      recency: '<1d',
      'new-user': 'false',
      surface: 'home',
      hour: '12-15',
      'context.device': 'ios',
      'context.missing': '',
    });
    const fresh = computeContextFeatures(['interactions', 'recency', 'new-user'], {
      interactionCount: 0,
      lastInteractionAt: null,
      known: false,
      surface: 'x',
      context: {},
      now,
    });
    expect(fresh).toEqual({ interactions: '0', recency: 'never', 'new-user': 'true' });
  });

  it('gives every value of a built-in feature its own slot, and undeclared features none', () => {
    const declared = ['interactions', 'recency', 'new-user', 'hour', 'surface'];
    const layout = new FeatureLayout(declared, 16);
    expect(layout.dimension).toBe(1 + 5 + 6 + 2 + 6 + 16);
    const slots = new Set<number>();
    for (const [name, values] of Object.entries(FEATURE_VOCABULARIES)) {
      for (const value of values) {
        const x = layout.encode({ [name]: value });
        expect(x[0]).toBe(0); // bias
        expect(x).toHaveLength(2);
        slots.add(x[1]!);
      }
    }
    expect(slots.size).toBe(5 + 6 + 2 + 6);
    expect(layout.encode({ 'context.device': 'ios' })).toEqual([0]);
    const surface = layout.encode({ surface: 'home' })[1]!;
    expect(surface).toBeGreaterThanOrEqual(20);
    expect(surface).toBeLessThan(36);
  });
});
