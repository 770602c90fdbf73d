/**
 * Training: in-batch sampled softmax with logQ correction, Adam, seeded throughout.
 *
 * Determinism: weights, the example order of each epoch and the id dropout all come from one
 * `createRandom(seed)` stream, batches are built in plain JS and the embedding rows' Adam runs
 * in JS, so the same seed, data and backend give bit-identical weights (a test checks). What can still differ: results across backends (wasm,
 * cpu and native TensorFlow sum in different orders and use different math libraries), and
 * on native multi-threaded TensorFlow, whose parallel reductions may not be reproducible.
 */
import { rgError } from '../../../errors.js';
import { createRandom, type Random } from '../../../ml/random.js';
import { initTensorflow } from '../../../ml/tf-backend.js';
import type { TrainContext, TrainResult } from '../../contract.js';
import { readAllInteractions } from '../../in-memory-readers.js';
import { twoTowerArtifact, TWO_TOWER_ARTIFACT_FORMAT, type TwoTowerConfig } from './artifact.js';
import { buildItemFeatureRows, dominantEmbeddingDim } from './item-features.js';
import { epochsFor, type TwoTowerParams } from './params.js';
import { itemLogCounts, PRIOR_WEIGHT_GRID } from './popularity-prior.js';
import { catalogTokenIdf } from './text-idf.js';
import { initialWeights, type TowerShapes, type TowerWeights } from './tower-weights.js';
import { buildTrainingExamples } from './training-examples.js';
import { createTrainingParameters } from './training-parameters.js';
import { trainStep } from './training-step.js';
import { chooseValidation, heldOutMask, trainingOrder, validationScores } from './validation.js';

/** Epochs without a better validation score before training stops. */
const PATIENCE = 3;
const VALIDATION_SEED = 0x5a17d;

export const TWO_TOWER_NAME = 'two-tower';

const abortIfAsked = (signal: AbortSignal): void => {
  if (signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: TWO_TOWER_NAME });
};

/** Lets timers and I/O run between steps, so an abort requested meanwhile is seen. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function shuffleInPlace(values: Int32Array, random: Random): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
}

export async function trainTwoTower(ctx: TrainContext<TwoTowerParams>): Promise<TrainResult> {
  const { params, signal } = ctx;
  ctx.progress({ phase: 'reading', percent: 0 });
  const { tf, backend, simd } = await initTensorflow();
  const interactions = await readAllInteractions(ctx.interactions);
  const catalog = await ctx.catalog.items();
  abortIfAsked(signal);

  const examples = buildTrainingExamples(interactions);
  if (examples.count === 0) {
    // Like the other learned strategies: an empty model, which recommends nothing (the gateway
    // falls back), rather than untrained towers that would rank at random.
    ctx.log.warn('two-tower: no positive interaction to learn from; the model will recommend nothing');
  }
  const byId = new Map(catalog.map((item) => [item.id, item]));
  const embeddingDim = dominantEmbeddingDim(catalog);
  const shapes: TowerShapes = {
    dim: params.dim,
    hiddenUnits: params.hiddenUnits,
    idRows: examples.itemIds.length + 1,
    textBuckets: params.textHashBuckets,
    embeddingDim,
    idPart: 'raw',
  };
  const textConfig = { buckets: params.textHashBuckets, maxTokens: params.maxTextTokens };
  const idf = catalogTokenIdf(catalog, textConfig);
  // Feature row r = id-table row r; row 0 is reserved (no item) and has no features.
  const features = buildItemFeatureRows([undefined, ...examples.itemIds.map((id) => byId.get(id))], { ...textConfig, embeddingDim }, idf);
  ctx.log.info('two-tower: training', {
    backend,
    simd,
    examples: examples.count,
    users: examples.users,
    items: examples.itemIds.length,
    itemsWithoutCatalogEntry: examples.itemIds.filter((id) => !byId.has(id)).length,
    embeddingDim,
  });

  const random = createRandom(ctx.seed);
  const parameters = createTrainingParameters(tf, initialWeights(shapes, random, idf), shapes, params.learningRate);
  // Early stopping on held-out positives unless the epochs are given; drawn from a stream of its
  // own, so the initial weights are the same either way.
  const validation = params.epochs === undefined ? chooseValidation(examples, createRandom(ctx.seed ^ VALIDATION_SEED)) : null;
  const order = trainingOrder(examples, validation);
  const hidden = heldOutMask(examples, validation);
  const epochs = epochsFor(params, order.length);
  const stepsPerEpoch = Math.ceil(order.length / params.batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  let stepsDone = 0;
  let epochsDone = 0;
  let reportedPercent = -1;
  let lastEpochLoss = Number.NaN;
  const best = { score: Number.NEGATIVE_INFINITY, epoch: 0, priorWeight: 0, weights: null as TowerWeights<Float32Array> | null };
  // The popularity prior's candidate weights, scored on the validation users with the counts
  // training sees (their held-out items not counted, as a test item is not at serving).
  const priorGrid = PRIOR_WEIGHT_GRID.map((g) => g * params.temperature);
  const validationPrior = validation ? { logCounts: itemLogCounts(examples.itemRows, order, shapes.idRows), weights: priorGrid } : null;
  const fitStarted = performance.now();
  const fitCpuStarted = process.cpuUsage();

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, random);
      let lossSum = 0;
      let lossWeight = 0;
      for (let start = 0; start < order.length; start += params.batchSize) {
        abortIfAsked(signal);
        const batch = order.subarray(start, Math.min(start + params.batchSize, order.length));
        const loss = trainStep(tf, parameters, { examples, features, batch, hidden }, shapes, params, random);
        lossSum += loss * batch.length;
        lossWeight += batch.length;
        stepsDone++;
        const percent = Math.floor(2 + (97 * stepsDone) / totalSteps);
        if (percent !== reportedPercent) {
          reportedPercent = percent;
          ctx.progress({ phase: 'fitting', percent });
        }
        await yieldToEventLoop();
      }
      epochsDone = epoch + 1;
      if (lossWeight > 0) lastEpochLoss = lossSum / lossWeight;
      if (validation) {
        const scores = parameters.withTensors((weights) =>
          validationScores(tf, weights, shapes, examples, features, validation, params.historyLength, validationPrior!),
        );
        // The first of equal scores: the smallest prior weight that does as well.
        const pick = scores.indexOf(Math.max(...scores));
        const score = scores[pick]!;
        ctx.log.info('two-tower: epoch done', {
          epoch: epochsDone,
          loss: lastEpochLoss,
          validation: score,
          priorWeight: priorGrid[pick],
          byPriorWeight: scores,
        });
        if (score > best.score) Object.assign(best, { score, epoch: epochsDone, priorWeight: priorGrid[pick]!, weights: parameters.snapshot() });
        else if (epochsDone - best.epoch >= PATIENCE) break;
      } else {
        ctx.log.info('two-tower: epoch done', { epoch: epochsDone, loss: lastEpochLoss });
      }
    }
    abortIfAsked(signal);
    const seconds = (performance.now() - fitStarted) / 1000;
    const cpu = process.cpuUsage(fitCpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const weights = best.weights ?? parameters.snapshot();
    const config: TwoTowerConfig = {
      format: TWO_TOWER_ARTIFACT_FORMAT,
      shapes,
      text: { hash: 'fnv1a-32', maxTokens: params.maxTextTokens },
      historyLength: params.historyLength,
      temperature: params.temperature,
      itemIds: [...examples.itemIds],
      training: { backend, simd: simd ?? null, seed: ctx.seed, epochs: best.weights ? best.epoch : epochsDone, examples: examples.count },
      popularityPrior: { weight: best.weights ? best.priorWeight : 0 },
    };
    // Serving counts every example, the validation users' held-out ones included.
    const logCounts = itemLogCounts(
      examples.itemRows,
      Int32Array.from({ length: examples.count }, (_, e) => e),
      shapes.idRows,
    );
    ctx.progress({ phase: 'done', percent: 100 });
    return {
      artifact: twoTowerArtifact(config, weights, idf, logCounts),
      metrics: {
        ...(Number.isFinite(lastEpochLoss) ? { loss: lastEpochLoss } : {}),
        examplesPerSecond: (order.length * epochsDone) / Math.max(seconds, 1e-9),
        epochs: best.weights ? best.epoch : epochsDone,
        epochsRun: epochsDone,
        ...(validation ? { validationScore: best.score, validationUsers: validation.heldOut.length, popularityPriorWeight: best.priorWeight } : {}),
        steps: stepsDone,
        examples: examples.count,
        users: examples.users,
        items: examples.itemIds.length,
        trainSeconds: seconds,
        // Wall time on a shared machine also counts other processes' turns on the core. CPU
        // time (this process, all threads: garbage-collector helpers too) does not, but can
        // exceed wall time when those helpers run alongside.
        examplesPerCpuSecond: (order.length * epochsDone) / Math.max(cpuSeconds, 1e-9),
        // Metrics are numbers: the backend is a one-hot key (its name is in the artifact too).
        [`backend.${backend}`]: 1,
        simd: simd ? 1 : 0,
      },
    };
  } finally {
    parameters.dispose();
  }
}
