import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/ml/random.js';
import { alsModelFromArtifact, alsArtifact } from '../../src/strategies/builtin/cf/als-model.js';
import { extraConfidence } from '../../src/strategies/builtin/cf/confidence.js';
import { conjugateGradientSweep } from '../../src/strategies/builtin/cf/conjugate-gradient.js';
import { choleskyInPlace, gramMatrix, multiplyMatrixVector, solveLower, solveLowerTransposedInPlace } from '../../src/strategies/builtin/cf/dense-algebra.js';
import { foldInUser } from '../../src/strategies/builtin/cf/fold-in.js';
import { InteractionMatrixBuilder } from '../../src/strategies/builtin/cf/interaction-matrix.js';
import { topEligible } from '../../src/strategies/builtin/cf/top-k.js';
import { collectUserSignal } from '../../src/strategies/builtin/cf/user-signal.js';
import type { InteractionRecord } from '../../src/strategies/contract.js';

const record = (userId: string, itemId: string, weight: number, occurredAt = 1): InteractionRecord => ({
  userId,
  itemId,
  type: weight < 0 ? 'dismiss' : 'purchase',
  value: null,
  weight,
  occurredAt,
});

describe('interaction matrix', () => {
  it('sums duplicates, drops neutral and cancelled pairs, and indexes ids in sorted order', () => {
    const builder = new InteractionMatrixBuilder();
    for (const r of [
      record('u2', 'b', 3, 5),
      record('u1', 'c', 1),
      record('u2', 'b', 3, 9),
      record('u1', 'a', 0),
      record('u2', 'a', 1),
      record('u2', 'a', -1),
      record('u1', 'b', -1),
    ])
      builder.add(r);
    const m = builder.build();
    expect(m.userIds).toEqual(['u1', 'u2']);
    expect(m.itemIds).toEqual(['a', 'b', 'c']); // "a" stays known though its weights cancel out
    expect([...m.byUser.start]).toEqual([0, 2, 3]);
    expect([...m.byUser.columns]).toEqual([1, 2, 1]);
    expect([...m.byUser.weights]).toEqual([-1, 1, 6]);
    expect([...m.byItem.start]).toEqual([0, 0, 2, 3]);
    expect([...m.byItem.columns]).toEqual([0, 1, 0]);
    expect([...m.byItem.weights]).toEqual([-1, 6, 1]);
    expect(m.trainedUntil).toBe(9);
  });
});

describe('dense algebra', () => {
  it('solves a symmetric positive definite system through its Cholesky factor', () => {
    const f = 9;
    const random = createRandom(3);
    const rows = Float64Array.from({ length: 30 * f }, () => random.normal());
    const a = gramMatrix(rows, 30, f, 0.5);
    const b = Float64Array.from({ length: f }, () => random.normal());
    const l = a.slice();
    choleskyInPlace(l, f);
    const x = new Float64Array(f);
    solveLower(l, b, 0, x, f);
    solveLowerTransposedInPlace(l, x, f);
    const ax = new Float64Array(f);
    multiplyMatrixVector(a, x, ax, f);
    ax.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 10));
  });
});

describe('ALS solvers', () => {
  it('conjugate gradient converges to the exact fold-in solution, negative feedback included', () => {
    const f = 6;
    const random = createRandom(11);
    const itemIds = Array.from({ length: 40 }, (_, i) => `i${String(i).padStart(2, '0')}`);
    const itemFactors = Float32Array.from({ length: itemIds.length * f }, () => random.normal() * 0.3);
    const builder = new InteractionMatrixBuilder();
    for (let u = 0; u < 5; u++)
      for (let n = 0; n < 7; n++) builder.add(record(`u${u}`, itemIds[random.int(itemIds.length)]!, n === 0 ? -1 : 1 + random.int(3)));
    const matrix = builder.build();
    const modelItems = matrix.itemIds;
    const factorsOf = Float32Array.from(modelItems.flatMap((id) => [...itemFactors.subarray(itemIds.indexOf(id) * f, itemIds.indexOf(id) * f + f)]));
    const model = alsModelFromArtifact(
      alsArtifact({
        factors: f,
        alpha: 4,
        confidence: 'log',
        regularization: 0.2,
        itemIds: modelItems,
        userIds: matrix.userIds,
        trainedUntil: 1,
        itemFactors: factorsOf,
        meanUserFactor: new Float32Array(f),
        userRows: matrix.byUser,
      }),
    );
    const users = new Float64Array(matrix.userIds.length * f);
    const extra = extraConfidence(matrix.byUser.weights, 4, 'log');
    const done = conjugateGradientSweep({
      rows: matrix.byUser,
      extra,
      target: users,
      fixed: Float64Array.from(factorsOf),
      gram: gramMatrix(factorsOf, modelItems.length, f, 0.2),
      factors: f,
      steps: 3 * f,
      signal: new AbortController().signal,
    });
    expect(done).toBe(true);
    matrix.userIds.forEach((id, u) => {
      const exact = foldInUser(model, collectUserSignal(model, { id, known: true, attributes: {}, history: [] })).factor;
      exact.forEach((v, a) => expect(users[u * f + a]).toBeCloseTo(v, 4));
    });
  });
});

describe('top-k selection', () => {
  it('keeps the k best eligible scores, ties to the lower index', () => {
    const scores = Float64Array.from([0.5, 2, 2, -1, 3, NaN, 2, 0]);
    expect(topEligible(scores, 3, () => true)).toEqual([
      { index: 4, score: 3 },
      { index: 1, score: 2 },
      { index: 2, score: 2 },
    ]);
    expect(topEligible(scores, 3, (i) => i !== 4 && i !== 2).map((r) => r.index)).toEqual([1, 6, 0]);
    expect(topEligible(scores, 20, () => true).length).toBe(7);
    expect(topEligible(scores, 0, () => true)).toEqual([]);
  });
});
