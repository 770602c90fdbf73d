import { describe, expect, it } from 'vitest';
import { assignableExperiment, assignVariant, ExperimentAssigner } from '../../src/experiments/assignment.js';
import { bucketRanges, chooseVariant, fnv32a, growthbookHash, inNamespace } from '../../src/experiments/hashing.js';
import { parseExperimentSpec, type ExperimentSpec } from '../../src/experiments/spec.js';
import { chiSquareUpperTail } from '../../src/experiments/statistics/index.js';

const ids = (n: number, prefix = 'user-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function spec(overrides: Record<string, unknown> = {}): ExperimentSpec {
  return parseExperimentSpec({
    key: 'home-ranker',
    surfaces: ['home'],
    variants: [
      { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
      { key: 'als', weight: 0.25, serving: { kind: 'strategy', strategy: 'als' } },
      { key: 'meta', weight: 0.25, serving: { kind: 'meta-policy', floor: 0.1 } },
    ],
    control: 'control',
    ...overrides,
  });
}

describe('GrowthBook hashing', () => {
  it('FNV-1a 32-bit matches the published vectors', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
  });

  // From GrowthBook's SDK conformance suite (packages/sdk-js/test/cases.json): the `hash`
  // section's [seed, value, version, expected] and buckets reported by its `feature` cases.
  it.each([
    ['', 'a', 1, 0.22],
    ['ef', 'd', 1, 0.652],
    ['feature', '123', 1, 0.863],
    ['feature', '456', 1, 0.178],
    ['feature', 'fds', 1, 0.514],
    ['feature', '123', 2, 0.5231],
    ['feature-exp', 'i123', 2, 0.9943],
    ['feature-exp', 'd123', 2, 0.6468],
  ] as const)('hash(%j, %j, v%i) = %d', (seed, value, version, expected) => {
    expect(growthbookHash(seed, value, version)).toBe(expected);
  });

  it('bucket ranges scale each variant by coverage and choose by range (GrowthBook getBucketRanges)', () => {
    expect(bucketRanges([0.5, 0.5], 1)).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(bucketRanges([0.5, 0.5], 0.5)).toEqual([
      [0, 0.25],
      [0.5, 0.75],
    ]);
    const ranges = bucketRanges([0.2, 0.8], 0.5);
    expect(chooseVariant(0.05, ranges)).toBe(0); // [0, 0.1)
    expect(chooseVariant(0.15, ranges)).toBe(-1); // uncovered
    expect(chooseVariant(0.3, ranges)).toBe(1); // [0.2, 0.6)
    expect(chooseVariant(0.7, ranges)).toBe(-1);
  });
});

describe('assignment', () => {
  it('splits 100,000 users by the weights (chi-square p > 0.001)', () => {
    const e = assignableExperiment(spec(), 1);
    const counts = new Map<string, number>();
    for (const id of ids(100_000)) {
      const a = assignVariant(e, id)!;
      counts.set(a.variant, (counts.get(a.variant) ?? 0) + 1);
    }
    const expected = { control: 50_000, als: 25_000, meta: 25_000 };
    const chi = Object.entries(expected).reduce((s, [k, ex]) => s + ((counts.get(k) ?? 0) - ex) ** 2 / ex, 0);
    expect(chiSquareUpperTail(chi, 2)).toBeGreaterThan(0.001);
  });

  it('is sticky: the same user gets the same variant from independently built assigners (restarts, other gateways)', () => {
    const first = new ExperimentAssigner([assignableExperiment(spec(), 1)]);
    const second = new ExperimentAssigner([assignableExperiment(spec(), 1)]);
    for (const id of ids(2_000)) expect(second.assign(id, 'home')?.variant).toBe(first.assign(id, 'home')?.variant);
    expect(first.assign('user-1', 'other-surface')).toBeNull();
  });

  it('uses the seed when given, else the key (reproducible in GrowthBook SDKs)', () => {
    const seeded = assignableExperiment(
      spec({
        seed: 'feature-exp',
        variants: [
          { key: 'a', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
          { key: 'b', weight: 0.5, serving: { kind: 'strategy', strategy: 'als' } },
        ],
        control: 'a',
      }),
      1,
    );
    // hash("feature-exp", "i123", 2) = 0.9943 (GrowthBook vector) -> second half -> b.
    expect(assignVariant(seeded, 'i123')!.variant).toBe('b');
    expect(assignableExperiment(spec(), 1).seed).toBe('home-ranker');
  });

  it('respects coverage, and raising it keeps everyone already in', () => {
    const small = assignableExperiment(spec({ coverage: 0.3 }), 1);
    const large = assignableExperiment(spec({ coverage: 0.6 }), 1);
    let inSmall = 0;
    for (const id of ids(20_000)) {
      const a = assignVariant(small, id);
      if (!a) continue;
      inSmall++;
      expect(assignVariant(large, id)?.variant).toBe(a.variant);
    }
    expect(inSmall / 20_000).toBeGreaterThan(0.28);
    expect(inSmall / 20_000).toBeLessThan(0.32);
  });

  it('keeps experiments of one namespace exclusive', () => {
    const left = assignableExperiment(spec({ key: 'left', namespace: { name: 'home-slot', range: [0, 0.4] } }), 1);
    const right = assignableExperiment(spec({ key: 'right', namespace: { name: 'home-slot', range: [0.4, 1] } }), 1);
    let l = 0;
    let r = 0;
    for (const id of ids(20_000)) {
      const a = assignVariant(left, id);
      const b = assignVariant(right, id);
      expect(a && b).toBeFalsy();
      if (a) l++;
      if (b) r++;
      expect(inNamespace(id, 'home-slot', [0, 0.4])).toBe(a !== null);
    }
    expect(l + r).toBe(20_000);
    expect(l / 20_000).toBeGreaterThan(0.38);
    expect(l / 20_000).toBeLessThan(0.42);
  });

  it('honours forced variants, even outside coverage and the namespace range', () => {
    const e = assignableExperiment(spec({ coverage: 0.01, namespace: { name: 'ns', range: [0, 0.01] }, forcedVariants: { qa1: 'meta', qa2: 'control' } }), 1);
    expect(assignVariant(e, 'qa1')).toMatchObject({ variant: 'meta', forced: true });
    expect(assignVariant(e, 'qa2')).toMatchObject({ variant: 'control', forced: true });
  });
});
