/**
 * The model's parameters while it trains: the two embedding tables as JS arrays with lazy Adam
 * (only the rows a batch uses move, see `LazyAdamTable`), every other weight a tfjs variable
 * under tfjs's Adam. Same hyperparameters for both.
 */
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import { LazyAdamTable } from '../../../ml/lazy-adam-table.js';
import type { Tf } from '../../../ml/tf-backend.js';
import { WEIGHT_NAMES, weightShapes, type TowerShapes, type TowerWeights, type WeightName } from './tower-weights.js';

const TABLES = ['itemIdTable', 'textTable'] as const satisfies readonly WeightName[];
type TableName = (typeof TABLES)[number];
type DenseName = Exclude<WeightName, TableName>;

export interface TrainingParameters {
  readonly tables: Record<TableName, LazyAdamTable>;
  /** Non-empty dense weights (zero-size parts, unused without precomputed embeddings, are left out). */
  readonly dense: Partial<Record<DenseName, Variable>>;
  readonly optimizer: Optimizer;
  /** All weights as Float32Arrays (the artifact's arrays). */
  snapshot(): TowerWeights<Float32Array>;
  /** Runs `use` with every weight as a tensor (the tables copied in, freed afterwards); for evaluation, not training. */
  withTensors<T>(use: (weights: TowerWeights) => T): T;
  dispose(): void;
}

const isTable = (name: WeightName): name is TableName => (TABLES as readonly string[]).includes(name);

export function createTrainingParameters(tf: Tf, initial: TowerWeights<Float32Array>, shapes: TowerShapes, learningRate: number): TrainingParameters {
  const tables = {
    itemIdTable: new LazyAdamTable(initial.itemIdTable, shapes.dim, { learningRate }),
    textTable: new LazyAdamTable(initial.textTable, shapes.dim, { learningRate }),
  };
  const dense: Partial<Record<DenseName, Variable>> = {};
  for (const name of WEIGHT_NAMES) {
    if (isTable(name) || initial[name].length === 0) continue;
    const value = tf.tensor(initial[name], [...weightShapes(shapes)[name]]);
    dense[name] = tf.variable(value, true, undefined, 'float32');
    value.dispose(); // the variable holds its own reference to the data
  }
  const optimizer = tf.train.adam(learningRate);
  return {
    tables,
    dense,
    optimizer,
    snapshot() {
      const out = {} as TowerWeights<Float32Array>;
      for (const name of WEIGHT_NAMES) {
        if (isTable(name)) out[name] = Float32Array.from(tables[name].values);
        else out[name] = dense[name] ? Float32Array.from(dense[name].dataSync()) : new Float32Array(0);
      }
      return out;
    },
    withTensors(use) {
      const idTable = tf.tensor2d(tables.itemIdTable.values, [tables.itemIdTable.rows, shapes.dim]);
      const textTable = tf.tensor2d(tables.textTable.values, [tables.textTable.rows, shapes.dim]);
      const empty: Tensor[] = [];
      const weights = {} as TowerWeights;
      for (const name of WEIGHT_NAMES) {
        if (name === 'itemIdTable') weights[name] = idTable;
        else if (name === 'textTable') weights[name] = textTable;
        else weights[name] = dense[name] ?? empty[empty.push(tf.zeros([...weightShapes(shapes)[name]])) - 1]!;
      }
      try {
        return use(weights);
      } finally {
        tf.dispose([idTable, textTable, ...empty]);
      }
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(Object.values(dense) as Tensor[]);
    },
  };
}
