/**
 * One training step: build the batch's tower inputs in JS, run both towers and the in-batch
 * softmax loss, then update the dense weights (tfjs Adam) and the rows of the embedding tables
 * the batch used (lazy Adam). Everything the step creates in tfjs is disposed before it returns.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs';
import type { Random } from '../../../ml/random.js';
import type { Tf } from '../../../ml/tf-backend.js';
import { inBatchLogitOffsets, inBatchSoftmaxLoss } from './in-batch-softmax.js';
import type { ItemFeatureRows } from './item-features.js';
import { idDropoutFor, type TwoTowerParams } from './params.js';
import type { TowerShapes, TowerWeights } from './tower-weights.js';
import { itemTowerInput, userTowerInput } from './tower-inputs.js';
import { bothTowers } from './towers.js';
import { addExampleHistory } from './training-history.js';
import type { TrainingExamples } from './training-examples.js';
import type { TrainingParameters } from './training-parameters.js';

export interface TrainingBatch {
  readonly examples: TrainingExamples;
  readonly features: ItemFeatureRows;
  /** Example indices of this batch. */
  readonly batch: Int32Array;
  /** Examples that are never history (held out for validation), or null. */
  readonly hidden: Uint8Array | null;
}

/** One optimizer step on the examples `batch`; returns the batch loss. */
export function trainStep(
  tf: Tf,
  parameters: TrainingParameters,
  { examples, features, batch, hidden }: TrainingBatch,
  shapes: TowerShapes,
  params: TwoTowerParams,
  random: Random,
): number {
  const size = batch.length;
  const idDropout = idDropoutFor(params);
  const itemRows = new Int32Array(size);
  const idRows = new Int32Array(size);
  const sampleWeights = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const e = batch[i]!;
    itemRows[i] = examples.itemRows[e]!;
    idRows[i] = random.next() < idDropout ? 0 : itemRows[i]!;
    sampleWeights[i] = examples.weights[e]!;
  }
  const items = itemTowerInput(features, itemRows, idRows, shapes.embeddingDim);
  const users = userTowerInput(size, params.historyLength, (u, add) => addExampleHistory(examples, features, batch[u]!, params.historyLength, add, hidden));
  const offsets = inBatchLogitOffsets(itemRows, params.logQCorrection ? examples.logQ : null);

  // Only the rows this batch uses go to the backend, as compact tables the bags are renumbered onto.
  const ids = parameters.tables.itemIdTable.compact([users.history, items.ids]);
  const words = parameters.tables.textTable.compact([users.historyItemWords, items.text]);
  const compactTable = (values: Float32Array): Variable => {
    const initial = tf.tensor2d(values, [values.length / shapes.dim, shapes.dim]);
    const variable = tf.variable(initial);
    initial.dispose();
    return variable;
  };
  const idTable = compactTable(ids.values);
  const textTable = compactTable(words.values);
  const weights = { ...parameters.dense, itemIdTable: idTable, textTable } as TowerWeights;
  const trainable = [...(Object.values(parameters.dense) as Variable[]), ...[idTable, textTable].filter((t) => t.size > 0)];
  try {
    const { value, grads } = tf.variableGrads(
      () =>
        inBatchSoftmaxLoss(
          tf,
          ...bothTowers(
            tf,
            weights,
            { ...users, history: ids.bags[0]!, historyItemWords: words.bags[0]! },
            { ...items, ids: ids.bags[1]!, text: words.bags[1]! },
            shapes,
          ),
          { temperature: params.temperature, offsets, sampleWeights },
        ),
      trainable,
    );
    const denseGrads: Record<string, Tensor> = {};
    for (const variable of Object.values(parameters.dense) as Variable[]) denseGrads[variable.name] = grads[variable.name]!;
    parameters.optimizer.applyGradients(denseGrads);
    if (idTable.size > 0) parameters.tables.itemIdTable.update(ids.rows, grads[idTable.name]!.dataSync() as Float32Array);
    if (textTable.size > 0) parameters.tables.textTable.update(words.rows, grads[textTable.name]!.dataSync() as Float32Array);
    const loss = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  } finally {
    tf.dispose([idTable, textTable]);
  }
}
