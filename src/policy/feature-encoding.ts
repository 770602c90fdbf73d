/**
 * Categorical features -> a sparse one-hot vector. Index 0 is the bias; every declared
 * feature owns a block of slots: built-in features one slot per value of their (closed)
 * vocabulary, so they never collide; open-ended ones (surface, context.<field>) hash their
 * value (FNV-1a) into `hashBuckets` slots, which keeps the dimension fixed while surfaces
 * and context values stay open (a collision only shares a coefficient within that feature).
 * Changing the declared features changes the layout: reset the statistics after doing so.
 */
import type { ContextFeatures } from './context-features.js';

export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The closed vocabularies of the built-in features (see context-features.ts). */
export const FEATURE_VOCABULARIES: Readonly<Record<string, readonly string[]>> = {
  interactions: ['0', '1-4', '5-19', '20-99', '100+'],
  recency: ['never', '<1h', '<1d', '<7d', '<30d', 'older'],
  'new-user': ['true', 'false'],
  hour: ['0-3', '4-7', '8-11', '12-15', '16-19', '20-23'],
};

export class FeatureLayout {
  readonly dimension: number;
  readonly #blocks = new Map<string, { offset: number; vocabulary: readonly string[] | null; size: number }>();

  constructor(
    declared: readonly string[],
    private readonly hashBuckets: number,
  ) {
    let offset = 1;
    for (const name of declared) {
      const vocabulary = FEATURE_VOCABULARIES[name] ?? null;
      const size = vocabulary ? vocabulary.length : hashBuckets;
      this.#blocks.set(name, { offset, vocabulary, size });
      offset += size;
    }
    this.dimension = offset;
  }

  /** Sorted, distinct active indices (all with value 1); undeclared features are ignored. */
  encode(features: ContextFeatures): number[] {
    const active = [0];
    for (const [name, value] of Object.entries(features)) {
      const block = this.#blocks.get(name);
      if (!block) continue;
      const slot = block.vocabulary ? block.vocabulary.indexOf(value) : fnv1a(value) % this.hashBuckets;
      if (slot >= 0) active.push(block.offset + slot);
    }
    return [...new Set(active)].sort((a, b) => a - b);
  }
}
