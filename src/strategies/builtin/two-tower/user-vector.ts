/**
 * The user tower for serving, in plain Float32Array arithmetic: the same function as
 * `userTower` in towers.ts (a test checks they agree), for one request's user.
 *
 * One user is a few hundred multiply-adds per hidden unit; in tfjs that is some forty small
 * kernels whose dispatch costs far more than the arithmetic, so at request time JS is faster
 * on every backend. Training, which runs 1,024 users at a time, uses the tfjs version.
 */
import type { EmbeddingBags } from '../../../ml/embedding-lookup.js';
import type { UserTowerInput } from './tower-inputs.js';
import type { TowerShapes, TowerWeights } from './tower-weights.js';

/** out[bag] += weight · table row, for every slot of `bags` (out is [bags.bags, dim]). */
function poolAll(table: ArrayLike<number>, dim: number, bags: EmbeddingBags, out: Float64Array): void {
  for (let k = 0; k < bags.ids.length; k++) {
    const w = bags.weights[k]!;
    const from = bags.ids[k]! * dim;
    const to = bags.bagOf[k]! * dim;
    for (let d = 0; d < dim; d++) out[to + d]! += w * table[from + d]!;
  }
}

/** x / |x| (zeros stay zeros), added into `into`. */
function addNormalized(x: ArrayLike<number>, into: Float64Array): void {
  let squared = 0;
  for (let i = 0; i < x.length; i++) squared += x[i]! * x[i]!;
  const scale = 1 / Math.sqrt(squared + 1e-12);
  for (let i = 0; i < x.length; i++) into[i]! += x[i]! * scale;
}

/** x [rows] times kernel [rows, cols] (row-major), added into `into` [cols]. */
function addProduct(x: ArrayLike<number>, kernel: Float32Array, cols: number, into: Float64Array): void {
  for (let r = 0; r < x.length; r++) {
    const xr = x[r]!;
    if (xr === 0) continue;
    const offset = r * cols;
    for (let c = 0; c < cols; c++) into[c]! += xr * kernel[offset + c]!;
  }
}

/** The unit vector [dim] of user 0 of `input` (a one-user input, as `historyInput` builds). */
export function userVector(w: TowerWeights<Float32Array>, shapes: TowerShapes, input: UserTowerInput): Float32Array {
  const { dim, hiddenUnits } = shapes;
  if (input.size !== 1) throw new RangeError(`userVector: expected one user, got ${input.size}`);
  const historyId = new Float64Array(dim);
  poolAll(w.itemIdTable, dim, input.history, historyId);
  // Word vectors of the history's items, then their weighted mean.
  const itemWords = new Float64Array(input.historyItemWords.bags * dim);
  poolAll(w.textTable, dim, input.historyItemWords, itemWords);
  const historyText = new Float64Array(dim);
  poolAll(itemWords, dim, input.historyText, historyText);

  const hidden = Float64Array.from(w.userHiddenBias);
  addProduct(historyId, w.userHiddenFromHistory, hiddenUnits, hidden);
  addProduct(historyText, w.userHiddenFromHistoryText, hiddenUnits, hidden);
  for (let h = 0; h < hiddenUnits; h++) if (hidden[h]! < 0) hidden[h] = 0;
  const output = Float64Array.from(w.userOutBias);
  addProduct(hidden, w.userOut, dim, output);

  const sum = new Float64Array(dim);
  addNormalized(output, sum);
  if ((shapes.idPart ?? 'unit') === 'unit') addNormalized(historyId, sum);
  else for (let d = 0; d < dim; d++) sum[d]! += historyId[d]!;
  addNormalized(historyText, sum);
  const result = new Float32Array(dim);
  let squared = 0;
  for (let d = 0; d < dim; d++) squared += sum[d]! * sum[d]!;
  const scale = 1 / Math.sqrt(squared + 1e-12);
  for (let d = 0; d < dim; d++) result[d] = sum[d]! * scale;
  return result;
}
