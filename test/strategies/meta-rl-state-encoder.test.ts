/**
 * The state encoder: the GRU part is the GRU's own state, the taste part the mean vector of
 * the positively-weighted items before each position, over the whole history (also the part
 * before the stretch the GRU reads), and the gradient reaches the GRU only through its part.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/ml/random.js';
import { gruBackward, gruForward, zeroGruGradients } from '../../src/strategies/builtin/meta-rl/gru.js';
import { historyInput, type HistoryStep } from '../../src/strategies/builtin/meta-rl/history-input.js';
import { initialPolicy, stateWidth, type PolicyShapes } from '../../src/strategies/builtin/meta-rl/policy-weights.js';
import { backwardStates, encodeStates, tasteBefore } from '../../src/strategies/builtin/meta-rl/state-encoder.js';

const dim = 3;
const items = { dim, vectors: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.6, 0.8, 0]) };
const step = (row: number, weight = 1): HistoryStep => ({ row, type: 'view', weight, occurredAt: 0 });
// A dismissal (negative weight) and an item without a representation do not count in the taste.
const history = [step(0), step(1), step(2, -1), step(-1), step(3), step(1)];

function policy(taste: boolean) {
  const shapes: PolicyShapes = { dim, stateUnits: 4, items: 4, taste };
  return { shapes, weights: initialPolicy(shapes, createRandom(1), new Float32Array(4)) };
}

describe('meta-rl state encoder', () => {
  it('appends the mean vector of the liked items before each position, starting from the history before the stretch', () => {
    const { shapes, weights } = policy(true);
    const S = stateWidth(shapes);
    expect(S).toBe(4 + dim);
    const stretch = history.slice(2);
    const trace = encodeStates(weights, shapes, stretch, items, tasteBefore(history, 2, items));
    const gru = gruForward(weights.gru, historyInput(stretch, items), stretch.length);
    const tasteAt = (t: number) => Array.from(trace.states.subarray(t * S + 4, (t + 1) * S));
    for (let t = 0; t <= stretch.length; t++)
      expect(Array.from(trace.states.subarray(t * S, t * S + 4))).toEqual(Array.from(gru.states.subarray(t * 4, (t + 1) * 4)));
    // Before the stretch: items 0 and 1; the dismissal and the unplaced item add nothing; then item 3, then item 1 again.
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    close(tasteAt(0), [0.5, 0.5, 0]);
    close(tasteAt(2), [0.5, 0.5, 0]);
    close(tasteAt(3), [1.6 / 3, 1.8 / 3, 0]);
    close(tasteAt(4), [1.6 / 4, 2.8 / 4, 0]);
  });

  it('is zero before the first liked item, and the GRU state alone when the taste is off', () => {
    const on = policy(true);
    const trace = encodeStates(on.weights, on.shapes, history, items, null);
    expect(Array.from(trace.states.subarray(4, 4 + dim))).toEqual([0, 0, 0]);
    const off = policy(false);
    const plain = encodeStates(off.weights, off.shapes, history, items, null);
    expect(plain.width).toBe(4);
    expect(Array.from(plain.states)).toEqual(Array.from(gruForward(off.weights.gru, historyInput(history, items), history.length).states));
  });

  it('starts the policy head as a scaled identity on the taste', () => {
    const { weights } = policy(true);
    for (let h = 4; h < 4 + dim; h++) for (let d = 0; d < dim; d++) expect(weights.head.w[h * dim + d]! > 0).toBe(h - 4 === d);
  });

  it("passes the states' gradient to the GRU through the GRU part only", () => {
    const { shapes, weights } = policy(true);
    const S = stateWidth(shapes);
    const trace = encodeStates(weights, shapes, history, items, null);
    const dStates = Float32Array.from({ length: trace.states.length }, (_, i) => ((i * 7) % 5) - 2);
    const viaEncoder = zeroGruGradients(weights.gru);
    backwardStates(weights, trace, dStates, viaEncoder);
    const dGru = new Float32Array(trace.gru.states.length);
    for (let t = 0; t <= history.length; t++) dGru.set(dStates.subarray(t * S, t * S + 4), t * 4);
    const direct = zeroGruGradients(weights.gru);
    gruBackward(weights.gru, trace.gru, dGru, direct);
    expect(Array.from(viaEncoder.w)).toEqual(Array.from(direct.w));
    expect(Array.from(viaEncoder.b)).toEqual(Array.from(direct.b));
  });
});
