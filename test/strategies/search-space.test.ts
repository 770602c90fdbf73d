/**
 * Search spaces (`StrategyDefinition.searchSpace`): the built-in ones are valid, a malformed
 * one (from a plugin, say) is refused at registration with RG_ERR_SEARCH_SPACE, and sampling is
 * deterministic under the seed and stays inside the ranges.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRandom } from '../../src/ml/random.js';
import { alsStrategy, itemItemStrategy, metaRlStrategy, popularityStrategy, twoTowerStrategy } from '../../src/strategies/builtin/index.js';
import { defineStrategy, type SearchSpace } from '../../src/strategies/contract.js';
import { StrategyRegistry } from '../../src/strategies/registry.js';
import { sampleConfiguration, validateSearchSpace } from '../../src/strategies/search-space.js';

const withSpace = (searchSpace: unknown) =>
  defineStrategy({
    name: 'searchable',
    version: '1.0.0',
    params: z
      .object({ rate: z.number().positive().max(1).default(0.1), size: z.number().int().min(1).default(8), mode: z.enum(['a', 'b']).default('a') })
      .strict(),
    train: async () => ({ artifact: { json: null, arrays: {} }, metrics: {} }),
    load: () => null,
    recommend: () => [],
    searchSpace: searchSpace as SearchSpace,
  });

describe('search spaces', () => {
  it('declares valid spaces for als, two-tower, item-item and meta-rl; popularity has none', () => {
    expect(alsStrategy.searchSpace).toMatchObject({
      factors: { kind: 'int' },
      regularization: { kind: 'float' },
      alpha: { kind: 'float' },
      iterations: { kind: 'int' },
    });
    expect(Object.keys(twoTowerStrategy.searchSpace ?? {})).toEqual(['learningRate', 'epochs', 'temperature', 'dim', 'idDropout']);
    expect(itemItemStrategy.searchSpace).toMatchObject({ lambda: { kind: 'float', log: true }, neighbours: { kind: 'int' } });
    expect(Object.keys(metaRlStrategy.searchSpace ?? {})).toEqual(['learningRate', 'epochs', 'historyLength', 'taste']);
    expect(popularityStrategy.searchSpace).toBeUndefined();
    for (const s of [alsStrategy, twoTowerStrategy, itemItemStrategy, metaRlStrategy, popularityStrategy]) expect(() => validateSearchSpace(s)).not.toThrow();
  });

  it('accepts a well-formed plugin space at registration', () => {
    const registry = new StrategyRegistry();
    const ok = withSpace({
      rate: { kind: 'float', min: 0.01, max: 1, log: true },
      size: { kind: 'int', min: 1, max: 64 },
      mode: { kind: 'choice', values: ['a', 'b'] },
    });
    expect(registry.register(ok).definition.searchSpace).toBeDefined();
  });

  it.each([
    ['an empty space', {}, /names no param/],
    ['min above max', { rate: { kind: 'float', min: 0.5, max: 0.1 } }, /min must be below max/],
    ['a log range from 0', { rate: { kind: 'float', min: 0, max: 1, log: true } }, /log range needs min > 0/],
    ['an int range with fractional bounds', { size: { kind: 'int', min: 1.5, max: 8 } }, /integer bounds/],
    ['an unknown kind', { size: { kind: 'normal', min: 1, max: 8 } }, /size/],
    ['an empty choice', { mode: { kind: 'choice', values: [] } }, /mode/],
    ['a param the strategy does not have', { depth: { kind: 'int', min: 1, max: 8 } }, /depth = 1 is not a valid param/],
    ['a range the params schema refuses', { rate: { kind: 'float', min: 0.1, max: 5 } }, /rate = 5 is not a valid param/],
    ['a choice the params schema refuses', { mode: { kind: 'choice', values: ['a', 'c'] } }, /mode = "c" is not a valid param/],
  ])('refuses %s with RG_ERR_SEARCH_SPACE at registration', (_, space, reason) => {
    const registry = new StrategyRegistry();
    let caught: unknown;
    try {
      registry.register(withSpace(space));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'RG_ERR_SEARCH_SPACE' });
    expect((caught as Error).message).toMatch(reason);
    expect(registry.has('searchable')).toBe(false);
  });

  it('samples the same configurations under the same seed, inside the ranges', () => {
    const space = twoTowerStrategy.searchSpace!;
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 50 }, () => sampleConfiguration(space, random));
    };
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    expect(draw(4)).not.toEqual(a);
    for (const c of a) {
      expect(c.learningRate).toBeGreaterThanOrEqual(0.002);
      expect(c.learningRate).toBeLessThanOrEqual(0.05);
      expect(Number.isInteger(c.epochs)).toBe(true);
      expect([32, 64, 128]).toContain(c.dim);
      expect(() => twoTowerStrategy.params.parse(c)).not.toThrow();
    }
  });
});
