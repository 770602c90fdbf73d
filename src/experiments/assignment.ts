/**
 * Sticky, deterministic assignment of a user to a variant of the running experiments of a
 * surface. Nothing is stored per user: the same (seed, user id) gives the same bucket on every
 * gateway, after every restart, and in any GrowthBook SDK (hashing.ts).
 *
 * Order of the checks for one experiment (GrowthBook's `_run`): forced variant (QA), then
 * the namespace range, then the bucket against the coverage-scaled variant ranges.
 */
import { bucketRanges, chooseVariant, growthbookHash, inNamespace, type BucketRange } from './hashing.js';
import type { ExperimentSpec, VariantServing } from './spec.js';

/** A running experiment prepared for the request path (ranges computed once). */
export interface AssignableExperiment {
  readonly key: string;
  readonly phase: number;
  readonly surfaces: readonly string[];
  readonly seed: string;
  readonly namespace: { readonly name: string; readonly range: BucketRange } | null;
  readonly variants: ReadonlyArray<{ readonly key: string; readonly serving: VariantServing }>;
  readonly ranges: readonly BucketRange[];
  readonly forced: ReadonlyMap<string, number>;
}

export interface Assignment {
  readonly experiment: string;
  readonly phase: number;
  readonly variant: string;
  readonly serving: VariantServing;
  /** True when the user is listed in forcedVariants. */
  readonly forced: boolean;
}

export function assignableExperiment(spec: ExperimentSpec, phase: number): AssignableExperiment {
  const index = new Map(spec.variants.map((v, i) => [v.key, i]));
  return {
    key: spec.key,
    phase,
    surfaces: spec.surfaces,
    seed: spec.seed ?? spec.key,
    namespace: spec.namespace ? { name: spec.namespace.name, range: spec.namespace.range } : null,
    variants: spec.variants.map((v) => ({ key: v.key, serving: v.serving })),
    ranges: bucketRanges(
      spec.variants.map((v) => v.weight),
      spec.coverage,
    ),
    forced: new Map(Object.entries(spec.forcedVariants).map(([user, variant]) => [user, index.get(variant)!])),
  };
}

/** The user's variant of this experiment, or null when the user is not in it. */
export function assignVariant(experiment: AssignableExperiment, userId: string): Assignment | null {
  const forced = experiment.forced.get(userId);
  let index: number;
  if (forced !== undefined) index = forced;
  else {
    if (experiment.namespace && !inNamespace(userId, experiment.namespace.name, experiment.namespace.range)) return null;
    index = chooseVariant(growthbookHash(experiment.seed, userId, 2), experiment.ranges);
    if (index < 0) return null;
  }
  const variant = experiment.variants[index]!;
  return { experiment: experiment.key, phase: experiment.phase, variant: variant.key, serving: variant.serving, forced: forced !== undefined };
}

/**
 * The running experiments indexed by surface. Start-up validation keeps at most one
 * experiment per user and surface (namespaces with disjoint ranges), so the first match wins.
 */
export class ExperimentAssigner {
  readonly #bySurface = new Map<string, AssignableExperiment[]>();

  constructor(experiments: readonly AssignableExperiment[]) {
    for (const e of experiments) {
      for (const surface of e.surfaces) {
        const list = this.#bySurface.get(surface) ?? [];
        list.push(e);
        this.#bySurface.set(surface, list);
      }
    }
  }

  get size(): number {
    return new Set([...this.#bySurface.values()].flat()).size;
  }

  assign(userId: string, surface: string): Assignment | null {
    const candidates = this.#bySurface.get(surface);
    if (!candidates) return null;
    for (const experiment of candidates) {
      const assignment = assignVariant(experiment, userId);
      if (assignment) return assignment;
    }
    return null;
  }
}

export const NO_EXPERIMENTS = new ExperimentAssigner([]);
