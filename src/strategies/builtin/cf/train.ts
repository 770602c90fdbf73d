/**
 * Training: read positive and negative interactions into sparse matrices, alternate
 * conjugate-gradient sweeps over users and items, and package item factors plus the users'
 * rows as the artifact. Single-threaded and free of Map iteration order or clocks in the
 * numbers, so a seed reproduces the artifact bit for bit.
 */
import { rgError } from '../../../errors.js';
import { createRandom } from '../../../ml/random.js';
import type { TrainContext, TrainResult } from '../../contract.js';
import { ALS_STRATEGY_NAME, alsArtifact } from './als-model.js';
import { extraConfidence } from './confidence.js';
import { conjugateGradientSweep } from './conjugate-gradient.js';
import { gramMatrix } from './dense-algebra.js';
import { readInteractionMatrix } from './interaction-matrix.js';
import type { AlsParams } from './params.js';
import { implicitAlsLoss } from './training-loss.js';

/** Share of the progress bar spent reading interactions. */
const READING_PERCENT = 10;
/** Initial factors: uniform in [0, scale), as `implicit` does; small so the first sweep dominates. */
const INIT_SCALE = 0.01;

function aborted(): Error {
  return rgError('RG_ERR_TRAINING_ABORTED', { name: ALS_STRATEGY_NAME });
}

/** Lets a cancel from elsewhere in this process (a timer, a job event) land between sweeps. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function trainAls(ctx: TrainContext<AlsParams>): Promise<TrainResult> {
  const started = performance.now();
  const { factors: f, iterations, regularization: lambda, alpha, cgSteps, confidence } = ctx.params;
  if (ctx.signal.aborted) throw aborted();
  ctx.progress({ phase: 'reading', percent: 0 });
  if (ctx.signal.aborted) throw aborted();

  const matrix = await readInteractionMatrix(ctx.interactions, ctx.signal, aborted);
  const userCount = matrix.userIds.length;
  const itemCount = matrix.itemIds.length;
  ctx.progress({ phase: 'reading', percent: READING_PERCENT });
  if (ctx.signal.aborted) throw aborted();

  const userExtra = extraConfidence(matrix.byUser.weights, alpha, confidence);
  const itemExtra = extraConfidence(matrix.byItem.weights, alpha, confidence);
  const random = createRandom(ctx.seed);
  const items = new Float64Array(itemCount * f);
  const users = new Float64Array(userCount * f);
  for (let i = 0; i < items.length; i++) items[i] = random.next() * INIT_SCALE;
  for (let i = 0; i < users.length; i++) users[i] = random.next() * INIT_SCALE;

  for (let iteration = 0; iteration < iterations; iteration++) {
    const itemGram = gramMatrix(items, itemCount, f, lambda);
    const usersDone = conjugateGradientSweep({
      rows: matrix.byUser,
      extra: userExtra,
      target: users,
      fixed: items,
      gram: itemGram,
      factors: f,
      steps: cgSteps,
      signal: ctx.signal,
    });
    if (!usersDone) throw aborted();
    const userGram = gramMatrix(users, userCount, f, lambda);
    const itemsDone = conjugateGradientSweep({
      rows: matrix.byItem,
      extra: itemExtra,
      target: items,
      fixed: users,
      gram: userGram,
      factors: f,
      steps: cgSteps,
      signal: ctx.signal,
    });
    if (!itemsDone) throw aborted();
    ctx.progress({ phase: 'fitting', percent: READING_PERCENT + ((100 - READING_PERCENT - 1) * (iteration + 1)) / iterations });
    if (ctx.signal.aborted) throw aborted();
    await yieldToEventLoop();
    if (ctx.signal.aborted) throw aborted();
  }
  // Users were solved against the previous item factors; the loss needs the final ones.
  const itemGram = gramMatrix(items, itemCount, f, lambda);
  const loss = implicitAlsLoss({ byUser: matrix.byUser, extra: userExtra, users, items, itemGram, userCount, itemCount, factors: f, lambda });

  const meanUserFactor = new Float32Array(f);
  if (userCount > 0) {
    const sum = new Float64Array(f);
    for (let u = 0; u < userCount; u++) for (let a = 0; a < f; a++) sum[a]! += users[u * f + a]!;
    for (let a = 0; a < f; a++) meanUserFactor[a] = sum[a]! / userCount;
  }
  ctx.progress({ phase: 'done', percent: 100 });

  return {
    artifact: alsArtifact({
      factors: f,
      alpha,
      confidence,
      regularization: lambda,
      itemIds: matrix.itemIds,
      userIds: matrix.userIds,
      trainedUntil: matrix.trainedUntil,
      itemFactors: Float32Array.from(items),
      meanUserFactor,
      userRows: matrix.byUser,
    }),
    metrics: {
      loss,
      users: userCount,
      items: itemCount,
      interactions: matrix.byUser.columns.length,
      iterations,
      durationMs: performance.now() - started,
    },
  };
}
