/**
 * The off-policy estimators, as defined in the Open Bandit Pipeline (`obp/ope/estimators.py`).
 * With w_i the importance weight, r_i the reward, q the reward model, E_n the mean over the
 * n logged rounds (each at its own position, so a slate log is evaluated position-wise):
 *
 *   dm           E_n[ q(x_i, pi_e) ]
 *   ips          E_n[ w_i r_i ]                                   (OBP: ipw)
 *   snips        E_n[ w_i r_i ] / E_n[ w_i ]                      (OBP: snipw)
 *   dr           E_n[ q(x_i, pi_e) + w_i (r_i - q(x_i, a_i)) ]
 *   sndr         E_n[ q(x_i, pi_e) ] + E_n[ w_i (r_i - q(x_i, a_i)) ] / E_n[ w_i ]
 *   ips-clipped  E_n[ min(w_i, W) r_i ]                            (OBP: ipw with lambda_ = W)
 *   dr-clipped   E_n[ q(x_i, pi_e) + min(w_i, W) (r_i - q(x_i, a_i)) ]   (OBP: dr, lambda_ = W)
 *   switch-dr    E_n[ q(x_i, pi_e) + 1{w_i <= tau} w_i (r_i - q(x_i, a_i)) ]
 *   dr-os        E_n[ q(x_i, pi_e) + lambda w_i / (w_i^2 + lambda) * w_i (r_i - q(x_i, a_i)) ]
 *
 * Each estimator is written as sums of per-round terms plus a combine step, so a bootstrap
 * resample only re-sums (with multiplicities) and self-normalised estimators re-normalise
 * within each resample.
 */
import type { EstimatorInputs } from './estimator-inputs.js';

export const ESTIMATOR_NAMES = ['dm', 'ips', 'snips', 'dr', 'sndr', 'ips-clipped', 'dr-clipped', 'switch-dr', 'dr-os'] as const;
export type EstimatorName = (typeof ESTIMATOR_NAMES)[number];

export interface EstimatorParams {
  /** W: importance weights above it are clipped to it (ips-clipped, dr-clipped). */
  readonly clip: number;
  /** tau: rounds with a weight above it use the reward model alone (switch-dr). */
  readonly switchThreshold: number;
  /** lambda: DR-os shrinkage, w -> lambda w / (w^2 + lambda); 0 is DM, infinity is DR. */
  readonly shrinkage: number;
}

export interface EstimatorDefinition {
  readonly name: EstimatorName;
  /** Name in reports and the OBP name it matches. */
  readonly label: string;
  /** Per-round terms (each of length `inputs.rounds`) whose sums make the estimate. */
  terms(inputs: EstimatorInputs, params: EstimatorParams): Float64Array[];
  /** The estimate from the sums of the terms over a sample of `count` rounds. */
  combine(sums: Float64Array, count: number): number;
}

function perRound(inputs: EstimatorInputs, term: (i: number) => number): Float64Array {
  const out = new Float64Array(inputs.rounds);
  for (let i = 0; i < inputs.rounds; i++) out[i] = term(i);
  return out;
}

const mean = (sums: Float64Array, count: number): number => sums[0]! / count;

/** DM plus a weighted residual correction: the shape of every DR variant. */
function doublyRobust(name: EstimatorName, label: string, shapedWeight: (w: number, params: EstimatorParams) => number): EstimatorDefinition {
  return {
    name,
    label,
    terms: (x, params) => [perRound(x, (i) => x.qTarget[i]! + shapedWeight(x.weight[i]!, params) * (x.reward[i]! - x.qLogged[i]!))],
    combine: mean,
  };
}

export const ESTIMATORS: Readonly<Record<EstimatorName, EstimatorDefinition>> = {
  dm: { name: 'dm', label: 'DM', terms: (x) => [x.qTarget], combine: mean },
  ips: { name: 'ips', label: 'IPS (OBP ipw)', terms: (x) => [perRound(x, (i) => x.weight[i]! * x.reward[i]!)], combine: mean },
  snips: {
    name: 'snips',
    label: 'SNIPS (OBP snipw)',
    terms: (x) => [perRound(x, (i) => x.weight[i]! * x.reward[i]!), x.weight],
    combine: (sums) => (sums[1]! > 0 ? sums[0]! / sums[1]! : Number.NaN),
  },
  dr: doublyRobust('dr', 'DR', (w) => w),
  sndr: {
    name: 'sndr',
    label: 'SNDR',
    terms: (x) => [x.qTarget, perRound(x, (i) => x.weight[i]! * (x.reward[i]! - x.qLogged[i]!)), x.weight],
    combine: (sums, count) => sums[0]! / count + (sums[2]! > 0 ? sums[1]! / sums[2]! : 0),
  },
  'ips-clipped': {
    name: 'ips-clipped',
    label: 'IPS, clipped weights',
    terms: (x, params) => [perRound(x, (i) => Math.min(x.weight[i]!, params.clip) * x.reward[i]!)],
    combine: mean,
  },
  'dr-clipped': doublyRobust('dr-clipped', 'DR, clipped weights', (w, params) => Math.min(w, params.clip)),
  'switch-dr': doublyRobust('switch-dr', 'Switch-DR', (w, params) => (w <= params.switchThreshold ? w : 0)),
  'dr-os': doublyRobust('dr-os', 'DR-os (optimistic shrinkage)', (w, params) =>
    w === 0 ? 0 : Number.isFinite(params.shrinkage) ? (params.shrinkage * w) / (w * w + params.shrinkage) : w,
  ),
};

/** A record with one entry per estimator, in `ESTIMATOR_NAMES` order. */
export function byEstimator<T>(make: (name: EstimatorName, index: number) => T): Record<EstimatorName, T> {
  const out = {} as Record<EstimatorName, T>;
  ESTIMATOR_NAMES.forEach((name, index) => (out[name] = make(name, index)));
  return out;
}
