/**
 * Finite-difference checks of the hand-written gradients of meta-rl (GRU backpropagation
 * through time, the sampled-softmax head) and the off-policy correction on hand-computed cases.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/ml/random.js';
import { gruBackward, gruForward, zeroGruGradients, type GruWeights } from '../../src/strategies/builtin/meta-rl/gru.js';
import { cappedImportanceRatio, correctionWeight, discountedReturns, topKMultiplier } from '../../src/strategies/builtin/meta-rl/off-policy-correction.js';
import { adaptHead, emptyInnerTrace, innerLoopBackward } from '../../src/strategies/builtin/meta-rl/inner-loop.js';
import { accumulateHeadGradient, candidateProbabilities, projectState } from '../../src/strategies/builtin/meta-rl/sampled-softmax.js';
import { TrendCounts, decayedCountsAt } from '../../src/strategies/builtin/meta-rl/trend-counts.js';
import {
  accumulateTrendGradient,
  candidateTrend,
  TREND_FEATURES,
  TREND_HALF_LIVES_MS,
  TrendHistory,
  trendOffsets,
} from '../../src/strategies/builtin/meta-rl/trend-features.js';

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

/**
 * A small random head problem: item vectors and biases, a head (W [H, d], c [d]) and `stateRows`
 * states, drawn in that order from the shared generator.
 */
function headFixture(H: number, dim: number, itemCount: number, stateRows: number) {
  const items = { dim, vectors: randomArray(itemCount * dim, 1) };
  const bias = randomArray(itemCount, 0.3);
  const head = { w: randomArray(H * dim), b: randomArray(dim, 0.2) };
  const states = randomArray(stateRows * H, 1);
  return { items, bias, head, states };
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
  const { items, bias, head, states } = headFixture(H, dim, itemCount, 2);
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

describe('meta-rl inner loop (second-order MAML)', () => {
  const H = 3;
  const dim = 4;
  const { items, bias, head: start, states } = headFixture(H, dim, 6, 3);
  const sample = { rows: Int32Array.from([1, 4, 5]), logCorrection: Float64Array.from([0.3, -0.2, 0.1]) };
  // Two support actions (the second with a masked negative), the query action in the third state.
  const support = {
    states,
    stateOffsets: [0, H],
    actions: [2, 3],
    weights: [1, 2],
    offsets: [Float64Array.from([0.1, 0, -0.2, 0.3]), Float64Array.from([0, 0.2, -Infinity, 0])],
  };
  const rates = { w: Float32Array.from({ length: H * dim }, () => 0.5 + random.next()), b: Float32Array.from({ length: dim }, () => 0.5 + random.next()) };
  const options = { steps: 3, learningRate: 0.7, hidden: H, rates };
  const queryLoss = (): number => {
    const head = adaptHead(start, support, sample, items, bias, options);
    return -Math.log(candidateProbabilities(projectState(head, states, 2 * H, H, dim), 0, sample, items, bias)[0]!);
  };
  const queryGradient = (secondOrder: boolean) => {
    const trace = emptyInnerTrace();
    const head = adaptHead(start, support, sample, items, bias, options, trace);
    expect(trace.probs).toHaveLength(3);
    const g = { w: new Float32Array(start.w.length), b: new Float32Array(dim), bias: null };
    const p = candidateProbabilities(projectState(head, states, 2 * H, H, dim), 0, sample, items, bias);
    accumulateHeadGradient(1, p, 0, sample, items, head, states, 2 * H, H, g);
    const rateGradient = { w: new Float32Array(rates.w.length), b: new Float32Array(dim) };
    innerLoopBackward(g, support, sample, items, trace, options, { secondOrder, rateGradient });
    return { g, rateGradient };
  };

  it('takes the query gradient back through the inner steps (finite differences)', () => {
    const { g } = queryGradient(true);
    for (let i = 0; i < start.w.length; i++) expectClose(g.w[i]!, numeric(start.w, i, queryLoss), `w[${i}]`);
    for (let i = 0; i < dim; i++) expectClose(g.b[i]!, numeric(start.b, i, queryLoss), `b[${i}]`);
  });

  it('gives the per-weight step sizes their gradient (Meta-SGD, finite differences)', () => {
    const { rateGradient } = queryGradient(true);
    for (let i = 0; i < rates.w.length; i++) expectClose(rateGradient.w[i]!, numeric(rates.w, i, queryLoss), `r_w[${i}]`);
    for (let i = 0; i < dim; i++) expectClose(rateGradient.b[i]!, numeric(rates.b, i, queryLoss), `r_b[${i}]`);
  });

  it("first order: the initial head gets the adapted head's gradient unchanged", () => {
    const trace = emptyInnerTrace();
    const head = adaptHead(start, support, sample, items, bias, options, trace);
    const g = { w: new Float32Array(start.w.length), b: new Float32Array(dim), bias: null };
    accumulateHeadGradient(
      1,
      candidateProbabilities(projectState(head, states, 2 * H, H, dim), 0, sample, items, bias),
      0,
      sample,
      items,
      head,
      states,
      2 * H,
      H,
      g,
    );
    const before = Float32Array.from(g.w);
    innerLoopBackward(g, support, sample, items, trace, options, { secondOrder: false, rateGradient: null });
    expect(Array.from(g.w)).toEqual(Array.from(before));
  });
});

describe('meta-rl trend features', () => {
  const HOUR = 3_600_000;
  // Item 0: three interactions; item 1: one; item 2: none. Times in hours.
  const events = [
    { row: 0, at: 0 },
    { row: 1, at: 5 * HOUR },
    { row: 0, at: 10 * HOUR },
    { row: 0, at: 200 * HOUR },
  ];
  const history = new TrendHistory(3, events);
  /** log(1 + Σ_{τ < t} 2^(−(t − τ)/h)) by brute force. */
  const brute = (row: number, t: number): number[] =>
    TREND_HALF_LIVES_MS.map((h) => Math.log1p(events.filter((e) => e.row === row && e.at < t).reduce((sum, e) => sum + 2 ** (-(t - e.at) / h), 0)));

  it('looks up log(1 + decayed count) from the interactions strictly before t', () => {
    const out = new Float64Array(TREND_FEATURES);
    for (const [row, t] of [
      [0, 0],
      [0, 1 * HOUR],
      [0, 10 * HOUR],
      [0, 150 * HOUR],
      [0, 900 * HOUR],
      [1, 5 * HOUR],
      [1, 6 * HOUR],
      [2, 50 * HOUR],
    ] as const) {
      history.features(row, t, out, 0);
      brute(row, t).forEach((v, f) => expect(out[f], `row ${row} t ${t / HOUR}h feature ${f}`).toBeCloseTo(v, 10));
    }
  });

  it('serves the same features decayed to the request time, and observe adds to them', () => {
    const anchor = 200 * HOUR;
    const counts = new TrendCounts(['a', 'b', 'c'], decayedCountsAt(3, events, anchor), anchor);
    const theta = Float32Array.from({ length: TREND_FEATURES }, (_, f) => f + 1);
    const at = 260 * HOUR;
    const weighted = (row: number): number => brute(row, at).reduce((sum, v, f) => sum + theta[f]! * v, 0);
    const served = counts.offsets(['a', 'b', 'c'], theta, at);
    [0, 1, 2].forEach((row) => expect(served[row]).toBeCloseTo(weighted(row), 4));
    counts.observe({ userId: 'u', itemId: 'c', type: 'view', value: null, weight: 1, occurredAt: 250 * HOUR });
    counts.observe({ userId: 'u', itemId: 'new', type: 'view', value: null, weight: 1, occurredAt: 250 * HOUR });
    counts.observe({ userId: 'u', itemId: 'b', type: 'dismiss', value: null, weight: -1, occurredAt: 250 * HOUR });
    const after = counts.offsets(['b', 'c', 'new'], theta, at);
    const one = TREND_HALF_LIVES_MS.reduce((sum, h, f) => sum + theta[f]! * Math.log1p(2 ** ((-10 * HOUR) / h)), 0);
    expect(after[0]).toBeCloseTo(weighted(1), 4);
    expect(after[1]).toBeCloseTo(one, 4);
    expect(after[2]).toBeCloseTo(one, 4);
  });

  it('matches finite differences for the trend weights θ', () => {
    const H = 2;
    const dim = 3;
    const { items, bias, head, states } = headFixture(H, dim, 3, 1);
    const sample = { rows: Int32Array.from([1, 2]), logCorrection: Float64Array.from([0.2, -0.1]) };
    const theta = randomArray(TREND_FEATURES, 0.5);
    const features = candidateTrend(history, 0, sample.rows, 12 * HOUR);
    const loss = (): number =>
      -1.3 * Math.log(candidateProbabilities(projectState(head, states, 0, H, dim), 0, sample, items, bias, trendOffsets(features, theta))[0]!);
    const grad = new Float32Array(TREND_FEATURES);
    accumulateTrendGradient(
      1.3,
      candidateProbabilities(projectState(head, states, 0, H, dim), 0, sample, items, bias, trendOffsets(features, theta)),
      features,
      grad,
    );
    for (let f = 0; f < TREND_FEATURES; f++) expectClose(grad[f]!, numeric(theta, f, loss), `θ[${f}]`);
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
