/**
 * Which experiments may be active together. A request serves one serving policy, so two
 * active experiments that share a surface must split its users: same namespace, disjoint
 * ranges. Anything else is refused when an experiment starts (or starts a new phase).
 */
import { rgError } from '../errors.js';
import type { ExperimentSpec } from './spec.js';

export function checkExclusive(candidate: ExperimentSpec, active: readonly ExperimentSpec[]): void {
  for (const other of active) {
    if (other.key === candidate.key) continue;
    const a = candidate.namespace;
    const b = other.namespace;
    if (a && b && a.name === b.name) {
      // Same namespace: users are split by range, whatever the surfaces.
      if (a.range[0] < b.range[1] && b.range[0] < a.range[1]) {
        throw rgError('RG_ERR_EXPERIMENT_NAMESPACE_OVERLAP', {
          key: candidate.key,
          namespace: a.name,
          start: a.range[0],
          end: a.range[1],
          other: other.key,
          otherStart: b.range[0],
          otherEnd: b.range[1],
        });
      }
      continue;
    }
    const shared = candidate.surfaces.find((s) => other.surfaces.includes(s));
    if (shared !== undefined) throw rgError('RG_ERR_EXPERIMENT_SURFACE_CONFLICT', { key: candidate.key, other: other.key, surface: shared });
  }
}
