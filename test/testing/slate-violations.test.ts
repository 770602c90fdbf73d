import { describe, expect, it } from 'vitest';
import type { CatalogItem, RecommendRequest } from '../../src/strategies/contract.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { describeArtifactDifference } from '../../src/testing/artifact-difference.js';
import { slateViolations } from '../../src/testing/slate-violations.js';

const item = (id: string, categories: string[], active = true): CatalogItem => ({
  id,
  title: id,
  description: '',
  categories,
  attributes: {},
  embedding: null,
  active,
  createdAt: 0,
});
const catalog = createCatalogView([item('a', ['Drama']), item('b', ['Comedy']), item('c', ['Drama']), item('off', ['Drama'], false)]);
const request = (over: Partial<RecommendRequest> = {}): RecommendRequest => ({
  user: { id: 'u', known: false, attributes: {}, history: [] },
  k: 2,
  exclude: new Set(['c']),
  filter: { categories: ['Drama'] },
  context: {},
  surface: 's',
  catalog,
  now: 0,
  ...over,
});
const scored = (itemId: string, score: number, explanation = 'why') => ({ itemId, score, explanation });

describe('slateViolations', () => {
  it('accepts a valid slate', () => {
    expect(slateViolations([scored('a', 2)], request())).toEqual([]);
    expect(slateViolations([], request({ k: 0 }))).toEqual([]);
  });

  it('names every broken rule', () => {
    const problems = slateViolations([scored('a', 1), scored('a', 2), scored('b', 0), scored('c', NaN), scored('off', 0, ''), scored('zzz', 0)], request());
    expect(problems).toEqual([
      '6 items for k = 2',
      'item 1: "a" appears twice',
      'item 1: score 2 is above the previous 1',
      'item 2: "b" is outside the filter ["Drama"]',
      'item 3: "c" is excluded',
      'item 3: score NaN is not a finite number',
      'item 4: "off" is inactive',
      'item 4: no explanation',
      'item 5: "zzz" is not in the catalogue',
    ]);
    expect(slateViolations('nope', request())).toEqual(['expected an array of scored items, got string']);
  });
});

describe('describeArtifactDifference', () => {
  it('finds differences in json, array kinds, lengths and single bits', () => {
    const base = { json: { a: 1 }, arrays: { x: Float32Array.from([1, 2]) } };
    expect(describeArtifactDifference(base, { json: { a: 1 }, arrays: { x: Float32Array.from([1, 2]) } })).toBeNull();
    expect(describeArtifactDifference(base, { json: { a: 2 }, arrays: base.arrays })).toMatch(/json/);
    expect(describeArtifactDifference(base, { json: base.json, arrays: { x: Int32Array.from([1, 2]) } })).toMatch(/Int32Array/);
    expect(describeArtifactDifference(base, { json: base.json, arrays: { x: Float32Array.from([1]) } })).toMatch(/elements/);
    expect(describeArtifactDifference(base, { json: base.json, arrays: { x: Float32Array.from([1, 2.0000003]) } })).toMatch(/element 1/);
    expect(describeArtifactDifference({ json: null, arrays: { z: Float32Array.from([0]) } }, { json: null, arrays: { z: Float32Array.from([-0]) } })).toMatch(
      /element 0/,
    );
  });
});
