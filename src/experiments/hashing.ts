/**
 * GrowthBook's deterministic hashing, so an assignment made here can be reproduced by any
 * GrowthBook SDK (spec: packages/sdk-js/src/util.ts and its cases.json test vectors).
 *
 *   version 1: (fnv32a(value + seed) % 1000) / 1000                     (namespaces)
 *   version 2: (fnv32a(String(fnv32a(seed + value))) % 10000) / 10000   (variant buckets)
 *
 * FNV-1a, 32 bits, over UTF-16 code units as JavaScript's `charCodeAt` gives them (what the
 * SDKs do).
 */

const FNV32_OFFSET_BASIS = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a 32-bit hash of a string, as an unsigned integer. */
export function fnv32a(text: string): number {
  let hash = FNV32_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV32_PRIME);
  }
  return hash >>> 0;
}

export type HashVersion = 1 | 2;

/** A number in [0, 1) for (seed, value): GrowthBook's `hash(seed, value, version)`. */
export function growthbookHash(seed: string, value: string, version: HashVersion): number {
  if (version === 2) return (fnv32a(String(fnv32a(seed + value))) % 10000) / 10000;
  return (fnv32a(value + seed) % 1000) / 1000;
}

/** A variant's share of the hash space: [start, end). */
export type BucketRange = readonly [number, number];

/**
 * GrowthBook's `getBucketRanges`: variant i takes [c_i, c_i + coverage * w_i) where c_i is
 * the sum of the weights before it. Users whose bucket falls in no range (coverage < 1) are
 * not in the experiment; raising coverage later keeps every user already in their variant.
 */
export function bucketRanges(weights: readonly number[], coverage: number): BucketRange[] {
  const clamped = Math.min(1, Math.max(0, coverage));
  let cumulative = 0;
  return weights.map((w) => {
    const start = cumulative;
    cumulative += w;
    return [start, start + clamped * w] as const;
  });
}

/** GrowthBook's `chooseVariation`: the index of the range holding `bucket`, or -1. */
export function chooseVariant(bucket: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i]!;
    if (bucket >= start && bucket < end) return i;
  }
  return -1;
}

/** GrowthBook's `inNamespace`: hash version 1 of the user with seed `"__" + namespace`. */
export function inNamespace(userId: string, namespace: string, range: BucketRange): boolean {
  const n = growthbookHash(`__${namespace}`, userId, 1);
  return n >= range[0] && n < range[1];
}
