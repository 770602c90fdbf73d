import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import { createRandom } from '../../src/ml/random.js';
import { initTensorflow, type Tf } from '../../src/ml/tf-backend.js';
import { buildItemFeatureRows } from '../../src/strategies/builtin/two-tower/item-features.js';
import { itemTowerInput, userTowerInput } from '../../src/strategies/builtin/two-tower/tower-inputs.js';
import { initialWeights, WEIGHT_NAMES, weightShapes, type TowerShapes, type TowerWeights } from '../../src/strategies/builtin/two-tower/tower-weights.js';
import { bothTowers, itemTower, userTower } from '../../src/strategies/builtin/two-tower/towers.js';
import { userVector } from '../../src/strategies/builtin/two-tower/user-vector.js';
import type { CatalogItem } from '../../src/strategies/contract.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await initTensorflow());
});

const item = (id: string, title: string, categories: string[], embedding: Float32Array | null = null): CatalogItem => ({
  id,
  title,
  description: '',
  categories,
  attributes: {},
  embedding,
  active: true,
  createdAt: 0,
});

describe('two-tower towers', () => {
  it.each([0, 4])('joint training pooling, the separate towers and the JS user tower agree (embedding dim %i)', (embeddingDim) => {
    const items = [
      item('a', 'Alarm Clock Bakelike Red', ['Clocks'], embeddingDim ? Float32Array.from([1, 0, 0, 1]) : null),
      item('b', 'Alarm Clock Bakelike Green', ['Clocks']),
      item('c', 'Jumbo Bag Red Retrospot', ['Bags'], embeddingDim ? Float32Array.from([0, 1, 1, 0]) : null),
    ];
    const shapes: TowerShapes = { dim: 8, hiddenUnits: 6, idRows: 4, textBuckets: 64, embeddingDim };
    const idf = new Float32Array(shapes.textBuckets).fill(1.5);
    const values = initialWeights(shapes, createRandom(3), idf);
    const weights = {} as TowerWeights;
    for (const name of WEIGHT_NAMES) weights[name] = tf.tensor(values[name], [...weightShapes(shapes)[name]]);
    const features = buildItemFeatureRows([undefined, ...items], { buckets: 64, maxTokens: 20, embeddingDim }, idf);
    // Items 1 and 3 with ids, item 2 without (as if new or dropped out).
    const itemInput = itemTowerInput(features, [1, 2, 3], Int32Array.from([1, 0, 3]), embeddingDim);
    const histories = [[1, 2], [], [3, 3, 1]];
    const userInput = userTowerInput(3, 10, (u, add) => {
      for (const row of histories[u]!) add(row, 1 + row, row, features.tokenIds, features.tokenStart[row]!, features.wordEnd[row]!, features.wordWeight[row]!);
    });
    const out = tf.tidy(() => [
      ...bothTowers(tf, weights, userInput, itemInput, shapes),
      userTower(tf, weights, userInput),
      itemTower(tf, weights, itemInput, shapes),
    ]);
    const [jointUsers, jointItems, users, itemsOut] = out.map((t) => Array.from(t.dataSync()));
    jointUsers!.forEach((v, i) => expect(v).toBeCloseTo(users![i]!, 6));
    jointItems!.forEach((v, i) => expect(v).toBeCloseTo(itemsOut![i]!, 6));
    // Unit vectors (user 1 has no history: before training its vector is the zero-bias MLP's 0).
    for (const r of [0, 2]) expect(Math.hypot(...users!.slice(r * 8, r * 8 + 8))).toBeCloseTo(1, 5);
    for (const r of [0, 1, 2]) expect(Math.hypot(...itemsOut!.slice(r * 8, r * 8 + 8))).toBeCloseTo(1, 5);

    // The serving user tower (plain JS) is the same function as the tfjs one.
    for (const u of [0, 2]) {
      const one = userTowerInput(1, 10, (_, add) => {
        for (const row of histories[u]!)
          add(row, 1 + row, row, features.tokenIds, features.tokenStart[row]!, features.wordEnd[row]!, features.wordWeight[row]!);
      });
      const js = userVector(values, shapes, one);
      js.forEach((v, d) => expect(v).toBeCloseTo(users![u * 8 + d]!, 5));
    }
    tf.dispose([...out, ...(Object.values(weights) as Tensor[])]);
  });
});
