/**
 * Finite-difference checks of the hand-written gradients of meta-rl (GRU backpropagation
 * through time, the sampled-softmax head) and the off-policy correction on hand-computed cases.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/ml/random.js';
import { gruBackward, gruForward, zeroGruGradients, type GruWeights } from '../../src/strategies/builtin/meta-rl/gru.js';
import { cappedImportanceRatio, correctionWeight, discountedReturns, topKMultiplier } from '../../src/strategies/builtin/meta-rl/off-policy-correction.js';
import { accumulateHeadGradient, candidateProbabilities, projectState } from '../../src/strategies/builtin/meta-rl/sampled-softmax.js';

const random = createRandom(3);
const randomArray = (n: number, scale = 0.5): Float32Array => Float32Array.from({ length: n }, () => scale * random.normal());

/** Central difference of f with respect to values[i] (float64 math on float32 storage: eps 1e-2). */
function numeric(values: Float32Array, i: number, f: () => number, eps = 1e-2): number {
  const saved = values[i]!;
  values[i] = saved + eps;
  const plus = f();
  values[i] = saved - eps;
  const minus = f();
  values[i] = saved;
  return (plus - minus) / (2 * eps);
}

function expectClose(analytic: number, approx: number, label: string): void {
  expect(Math.abs(analytic - approx), `${label}: analytic ${analytic}, numeric ${approx}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(approx));
}

describe('meta-rl GRU backward', () => {
  const I = 5;
  const H = 4;
  const T = 4;
  const gru: GruWeights = { inputs: I, hidden: H, w: randomArray(I * 3 * H), u: randomArray(H * 3 * H), b: randomArray(3 * H, 0.1) };
  const x = randomArray(T * I, 1);
  const coefficients = randomArray((T + 1) * H, 1);
  const loss = (): number => {
    const trace = gruForward(gru, x, T);
    let sum = 0;
    for (let i = H; i < trace.states.length; i++) sum += coefficients[i]! * trace.states[i]!;
    return sum;
  };

  it('matches finite differences for every weight of W, U and b', () => {
    const grads = zeroGruGradients(gru);
    const dStates = Float32Array.from(coefficients);
    dStates.fill(0, 0, H);
    gruBackward(gru, gruForward(gru, x, T), dStates, grads);
    for (const [name, values, analytic] of [
      ['W', gru.w, grads.w],
      ['U', gru.u, grads.u],
      ['b', gru.b, grads.b],
    ] as const) {
      for (let i = 0; i < values.length; i++) expectClose(analytic[i]!, numeric(values, i, loss), `${name}[${i}]`);
    }
  });
});

describe('meta-rl sampled-softmax head', () => {
  const H = 3;
  const dim = 4;
  const itemCount = 6;
  const items = { dim, vectors: randomArray(itemCount * dim, 1) };
  const bias = randomArray(itemCount, 0.3);
  const head = { w: randomArray(H * dim), b: randomArray(dim, 0.2) };
  const states = randomArray(2 * H, 1);
  // Negative 2 repeats the action: an accidental hit, which must get probability 0.
  const sample = { rows: Int32Array.from([1, 4, 2, 5]), logCorrection: Float64Array.from([0.3, -0.2, 0.1, 0.5]) };
  const action = 2;
  const coef = 1.7;
  const offset = H;
  const loss = (): number => {
    const p = candidateProbabilities(projectState(head, states, offset, H, dim), action, sample, items, bias);
    return -coef * Math.log(p[0]!);
  };

  it('gives an accidental hit probability zero and sums to one', () => {
    const p = candidateProbabilities(projectState(head, states, offset, H, dim), action, sample, items, bias);
    expect(p[3]).toBe(0);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('matches finite differences for the head, the item biases and the state', () => {
    const grad = { w: new Float32Array(head.w.length), b: new Float32Array(dim), bias: new Float32Array(itemCount) };
    const dState = new Float32Array(states.length);
    const p = candidateProbabilities(projectState(head, states, offset, H, dim), action, sample, items, bias);
    accumulateHeadGradient(coef, p, action, sample, items, head, states, offset, H, grad, dState, offset);
    for (let i = 0; i < head.w.length; i++) expectClose(grad.w[i]!, numeric(head.w, i, loss), `w[${i}]`);
    for (let i = 0; i < dim; i++) expectClose(grad.b[i]!, numeric(head.b, i, loss), `b[${i}]`);
    for (let i = 0; i < itemCount; i++) expectClose(grad.bias[i]!, numeric(bias, i, loss), `bias[${i}]`);
    for (let i = 0; i < H; i++) expectClose(dState[offset + i]!, numeric(states, offset + i, loss), `state[${i}]`);
    for (let i = 0; i < H; i++) expect(dState[i]).toBe(0);
  });
});

describe('meta-rl off-policy correction', () => {
  it('computes λ_K = K(1 − π)^(K−1) on hand-computed cases', () => {
    expect(topKMultiplier(0.1, 3)).toBeCloseTo(3 * 0.81, 12);
    expect(topKMultiplier(0.5, 2)).toBeCloseTo(1, 12);
    expect(topKMultiplier(0, 10)).toBe(10);
    expect(topKMultiplier(1, 4)).toBe(0);
    expect(topKMultiplier(0.3, 1)).toBe(1);
  });

  it('caps the importance ratio at c', () => {
    expect(cappedImportanceRatio(0.1, 0.05, 5)).toBeCloseTo(2, 12);
    expect(cappedImportanceRatio(0.5, 0.01, 5)).toBe(5);
    expect(cappedImportanceRatio(0.2, 0, 3)).toBe(3);
  });

  it('weighs ∇log π by min(π/β, c)·λ_K·(R − V)', () => {
    const base = { cap: 5, slateSize: 3, corrected: true };
    // 2 · 2.43 · (1.5 − 0.5) = 4.86
    expect(correctionWeight({ ...base, pi: 0.1, beta: 0.05, reward: 1.5, value: 0.5 })).toBeCloseTo(4.86, 10);
    // capped: 5 · 2·(0.5)^1 · (0 − 1) = −5
    expect(correctionWeight({ ...base, slateSize: 2, pi: 0.5, beta: 0.01, reward: 0, value: 1 })).toBeCloseTo(-5, 10);
    // uncorrected: the advantage alone
    expect(correctionWeight({ ...base, corrected: false, pi: 0.1, beta: 0.05, reward: 1.5, value: 0.5 })).toBeCloseTo(1, 12);
  });

  it('discounts returns backwards: R_t = r_t + γ R_{t+1}', () => {
    expect(Array.from(discountedReturns([1, 0, 2], 0.5))).toEqual([1.5, 1, 2]);
    expect(Array.from(discountedReturns([], 0.9))).toEqual([]);
  });
});
