/**
 * The outer loop: users' timelines cut into tasks (a support of the interactions just before a
 * stretch of later interactions, the query), batches of tasks, one Adam step per batch.
 *
 * Per task: the GRU encodes the history; the inner loop adapts the policy head on the support
 * (MAML; first-order when `secondOrder` is off); at the adapted head, every query
 * action (the query's interactions, and every item of the slates shown in that stretch) adds
 *   −[ρ_sup·w_t + ρ_rl·min(π/β, c)·λ_K/K·(R − V(s))] ∇ log π(a|s)     (policy, through the state)
 *   −∇ log β(a|s)                                                (behaviour head, state stopped)
 *   ½ ∇ (R − V(s))²                                               (value head, state stopped)
 * The gradient at the adapted head is taken back through the inner steps to its initial values
 * and to the per-weight step sizes (innerLoopBackward; FOMAML applies it unchanged). λ_K is divided by
 * K so the weight stays within c·|R − V| (a constant step-size scale).
 */
import { rgError } from '../../../errors.js';
import type { Random } from '../../../ml/random.js';
import { adaptHead, emptyInnerTrace, innerLoopBackward, type SupportSet } from './inner-loop.js';
import type { NegativeSampler } from './negative-sampler.js';
import { correctionWeight } from './off-policy-correction.js';
import type { MetaRlParams } from './params.js';
import { flattenPolicy, zeroPolicy, type PolicyHead, type PolicyShapes, type PolicyWeights } from './policy-weights.js';
import { DenseAdam } from './adam.js';
import { accumulateHeadGradient, candidateProbabilities, projectState, type ItemSpace, type NegativeSample } from './sampled-softmax.js';
import type { TimelineSlate, UserTimeline } from './timelines.js';
import { maskSeenNegatives, seenBefore } from './seen-mask.js';
import { backwardStates, encodeStates, tasteBefore } from './state-encoder.js';
import { accumulateTrendGradient, candidateTrend, trendOffsets, type TrendHistory } from './trend-features.js';

export const META_RL_NAME = 'meta-rl';

/** A stretch of one user's timeline: support [queryStart − support, queryStart), query [queryStart, queryEnd). */
export interface Task {
  readonly timeline: UserTimeline;
  readonly queryStart: number;
  readonly queryEnd: number;
  readonly support: number;
}

export type TaskParams = Pick<MetaRlParams, 'queryLength' | 'maxSupport' | 'historyLength' | 'metaLearning'>;

/** This epoch's tasks: every timeline tiled into query stretches from a random phase, support sizes at random. */
export function epochTasks(timelines: readonly UserTimeline[], params: TaskParams, random: Random): Task[] {
  const tasks: Task[] = [];
  const Q = params.queryLength;
  for (const timeline of timelines) {
    const m = timeline.steps.length;
    if (m === 0 && timeline.slates.length === 0) continue;
    let start = 0;
    let end = Math.min(m, 1 + random.int(Q));
    for (;;) {
      const most = params.metaLearning ? Math.min(params.maxSupport, params.historyLength, start) : 0;
      tasks.push({ timeline, queryStart: start, queryEnd: end, support: random.int(most + 1) });
      if (end >= m) break;
      start = end;
      end = Math.min(m, end + Q);
    }
  }
  return random.shuffle(tasks);
}

export interface StepStatistics {
  actions: number;
  supervisedLoss: number;
  supervisedActions: number;
  slateActions: number;
  /**
   * Over the query interactions of tasks with a support (when `measureAdaptation`): the
   * cross-entropy at the unadapted head and at the adapted one. Their difference is what the
   * inner loop gains on the users it trains on, the in-sample side of the cold-start table.
   */
  adaptedLoss: number;
  unadaptedLoss: number;
  adaptedActions: number;
}

export const emptyStepStatistics = (): StepStatistics => ({
  actions: 0,
  supervisedLoss: 0,
  supervisedActions: 0,
  slateActions: 0,
  adaptedLoss: 0,
  unadaptedLoss: 0,
  adaptedActions: 0,
});

export interface OuterStepContext {
  readonly weights: PolicyWeights;
  readonly shapes: PolicyShapes;
  readonly items: ItemSpace;
  readonly params: MetaRlParams;
  /** The trend features at each action's own time. */
  readonly trend: TrendHistory;
}

/**
 * Adds the gradient of one task's query loss to `grads` (mean over `scale` actions) and its
 * statistics to `stats`.
 */
export function accumulateTask(
  ctx: OuterStepContext,
  task: Task,
  sample: NegativeSample,
  scale: number,
  grads: PolicyWeights,
  stats: StepStatistics,
  measureAdaptation = false,
): void {
  const { weights, shapes, items, params, trend } = ctx;
  const { timeline, queryStart, queryEnd, support } = task;
  const first = Math.max(0, queryStart - Math.max(params.historyLength, support));
  // The GRU reads interactions [first, queryEnd): state index t − first precedes interaction t;
  // the taste starts from everything before `first`.
  const steps = timeline.steps.slice(first, queryEnd);
  const trace = encodeStates(weights, shapes, steps, items, shapes.taste ? tasteBefore(timeline.steps, first, items) : null);
  const S = trace.width; // the state's width (the heads' input)
  const at = (t: number): number => (t - first) * S;

  const supportSet: SupportSet = { states: trace.states, stateOffsets: [], actions: [], weights: [], offsets: [] };
  const mask = params.maskSeen;
  const masked = (offsets: Float64Array, t: number): Float64Array => (mask ? maskSeenNegatives(offsets, sample.rows, timeline.first, t) : offsets);
  // The inner loop sees the trend as of the moment it runs, as `adapt` does at serving (which has
  // only the current counts): the time of the query's first interaction.
  const adaptedAt = timeline.steps[Math.min(queryStart, timeline.steps.length - 1)]?.occurredAt ?? 0;
  for (let t = queryStart - support; t < queryStart; t++) {
    const step = timeline.steps[t]!;
    if (step.row < 0 || !(step.weight > 0) || (mask && seenBefore(timeline.first, step.row, t))) continue;
    (supportSet.stateOffsets as number[]).push(at(t));
    (supportSet.actions as number[]).push(step.row);
    (supportSet.weights as number[]).push(step.weight);
    (supportSet.offsets as Float64Array[]).push(masked(trendOffsets(candidateTrend(trend, step.row, sample.rows, adaptedAt), weights.trend), t));
  }
  const innerOptions = { steps: params.metaLearning ? params.innerSteps : 0, learningRate: params.innerLearningRate, hidden: S, rates: weights.headRate };
  const backward = { secondOrder: params.secondOrder, rateGradient: params.learnedStepSizes ? grads.headRate : null };
  const innerTrace = emptyInnerTrace();
  const traced = backward.secondOrder || backward.rateGradient !== null;
  const head = adaptHead(weights.head, supportSet, sample, items, weights.itemBias, innerOptions, traced ? innerTrace : null);

  const dStates = new Float32Array(trace.states.length);
  // The query's gradient at the adapted head, taken back to the initial head after the query.
  const taskHead = { w: new Float32Array(head.w.length), b: new Float32Array(head.b.length) };
  const headGrad = { w: taskHead.w, b: taskHead.b, bias: grads.itemBias };
  const behaviourGrad = { w: grads.behaviour.w, b: grads.behaviour.b, bias: grads.behaviourItemBias };
  const act = (t: number, row: number, time: number, ret: number, supervised: number, fromSlate: boolean): void => {
    const offset = at(t);
    const features = candidateTrend(trend, row, sample.rows, time);
    // A head's candidate probabilities for this action in its state.
    const probabilities = (of: PolicyHead, bias: Float32Array, offsets: Float64Array): Float64Array =>
      candidateProbabilities(projectState(of, trace.states, offset, S, items.dim), row, sample, items, bias, offsets);
    const policyOffsets = masked(trendOffsets(features, weights.trend), t);
    const pi = probabilities(head, weights.itemBias, policyOffsets);
    const beta = probabilities(weights.behaviour, weights.behaviourItemBias, masked(trendOffsets(features, weights.behaviourTrend), t));
    let value = weights.valueBias[0]!;
    for (let h = 0; h < S; h++) value += weights.value[h]! * trace.states[offset + h]!;
    const rl = correctionWeight({
      pi: pi[0]!,
      beta: beta[0]!,
      reward: ret,
      value,
      cap: params.ratioCap,
      slateSize: params.slateSize,
      corrected: params.offPolicyCorrection,
    });
    const scaleK = params.offPolicyCorrection ? params.slateSize : 1;
    const coef = params.reinforceWeight * (rl / scaleK) + params.supervisedWeight * supervised;
    accumulateHeadGradient(coef * scale, pi, row, sample, items, head, trace.states, offset, S, headGrad, dStates, offset);
    accumulateTrendGradient(coef * scale, pi, features, grads.trend);
    accumulateHeadGradient(scale, beta, row, sample, items, weights.behaviour, trace.states, offset, S, behaviourGrad);
    accumulateTrendGradient(scale, beta, features, grads.behaviourTrend);
    const dValue = (value - ret) * scale;
    for (let h = 0; h < S; h++) grads.value[h]! += dValue * trace.states[offset + h]!;
    grads.valueBias[0]! += dValue;
    stats.actions++;
    if (supervised > 0) {
      const loss = -Math.log(Math.max(pi[0]!, 1e-30));
      stats.supervisedLoss += loss;
      stats.supervisedActions++;
      if (measureAdaptation && supportSet.actions.length > 0 && !fromSlate) {
        const start = probabilities(weights.head, weights.itemBias, policyOffsets);
        stats.adaptedLoss += loss;
        stats.unadaptedLoss -= Math.log(Math.max(start[0]!, 1e-30));
        stats.adaptedActions++;
      }
    }
    if (fromSlate) stats.slateActions++;
  };
  for (let t = queryStart; t < queryEnd; t++) {
    const step = timeline.steps[t]!;
    if (step.row < 0 || (mask && seenBefore(timeline.first, step.row, t))) continue;
    act(t, step.row, step.occurredAt, timeline.returns[t]!, step.weight > 0 ? step.weight : 0, false);
  }
  for (const slate of querySlates(task)) {
    const future = params.gamma * timeline.returns[slate.before]!;
    slate.rows.forEach((row, i) => {
      if (!(mask && seenBefore(timeline.first, row, slate.before))) act(slate.before, row, slate.shownAt, slate.rewards[i]! + future, 0, true);
    });
  }
  backwardStates(weights, trace, dStates, grads.gru);
  if (innerTrace.probs.length > 0) innerLoopBackward(taskHead, supportSet, sample, items, innerTrace, innerOptions, backward);
  for (let i = 0; i < taskHead.w.length; i++) grads.head.w[i]! += taskHead.w[i]!;
  for (let i = 0; i < taskHead.b.length; i++) grads.head.b[i]! += taskHead.b[i]!;
}

/** The slates shown during the task's query stretch (after its last interaction too, for a timeline's last task). */
function querySlates(task: Task): TimelineSlate[] {
  const last = task.queryEnd === task.timeline.steps.length;
  return task.timeline.slates.filter((s) => s.before >= task.queryStart && (s.before < task.queryEnd || (s.before === task.queryEnd && last)));
}

/** Query actions of a task (the mean's denominator). */
export function taskActions(task: Task, maskSeen: boolean): number {
  const { timeline } = task;
  const counted = (row: number, t: number): boolean => row >= 0 && !(maskSeen && seenBefore(timeline.first, row, t));
  let n = 0;
  for (let t = task.queryStart; t < task.queryEnd; t++) if (counted(timeline.steps[t]!.row, t)) n++;
  for (const slate of querySlates(task)) for (const row of slate.rows) if (counted(row, slate.before)) n++;
  return n;
}

export interface MetaTrainingInput extends OuterStepContext {
  readonly timelines: readonly UserTimeline[];
  readonly sampler: NegativeSampler;
  readonly random: Random;
  readonly signal: AbortSignal;
  readonly onProgress: (fraction: number) => void;
}

export interface MetaTrainingResult {
  readonly actions: number;
  readonly slateActions: number;
  readonly tasks: number;
  readonly loss: number;
  readonly seconds: number;
  /**
   * Last epoch, query interactions of tasks with a support: mean cross-entropy at the unadapted
   * and at the adapted head (null when no task had a support).
   */
  readonly adaptation: { readonly unadaptedLoss: number; readonly adaptedLoss: number; readonly actions: number } | null;
  /** Passes run: `epochs`, or fewer when they would exceed `maxActions`. */
  readonly epochs: number;
  /** Logged actions in one full pass over the tasks. */
  readonly perEpochActions: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs every epoch; changes `input.weights` in place. */
export async function metaTrain(input: MetaTrainingInput): Promise<MetaTrainingResult> {
  const { params, shapes, weights, random, sampler } = input;
  const started = performance.now();
  const adam = new DenseAdam<keyof ReturnType<typeof flattenPolicy>>(params.learningRate);
  const flatWeights = flattenPolicy(weights);
  const stats = emptyStepStatistics();
  let tasks = 0;
  let lastLoss = 0;
  let adaptation = emptyStepStatistics();
  if (sampler.empty) return { actions: 0, slateActions: 0, tasks: 0, loss: 0, seconds: 0, adaptation: null, epochs: 0, perEpochActions: 0 };
  // The action budget: on data too large for `epochs` passes within maxActions, fewer passes,
  // and on data too large for one, one pass over a random share of the tasks.
  let list = epochTasks(input.timelines, params, random);
  const perEpoch = list.reduce((sum, task) => sum + taskActions(task, params.maskSeen), 0);
  const epochs = Math.max(1, Math.min(params.epochs, Math.floor(params.maxActions / Math.max(1, perEpoch))));
  const epochBudget = Math.min(perEpoch, params.maxActions);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const epochStats = emptyStepStatistics();
    const lastEpoch = epoch === epochs - 1;
    if (epoch > 0) list = epochTasks(input.timelines, params, random);
    if (epochBudget < perEpoch) list = withinBudget(list, epochBudget, params.maskSeen);
    for (let start = 0; start < list.length; start += params.batchSize) {
      if (input.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: META_RL_NAME });
      const batch = list.slice(start, start + params.batchSize);
      let actions = 0;
      for (const task of batch) actions += taskActions(task, params.maskSeen);
      if (actions === 0) continue;
      const grads = zeroPolicy(shapes);
      const sample = sampler.sample(params.negatives, random);
      for (const task of batch) accumulateTask(input, task, sample, 1 / actions, grads, epochStats, lastEpoch);
      adam.apply(flatWeights, flattenPolicy(grads));
      tasks += batch.length;
      if ((start / params.batchSize) % 20 === 19) {
        input.onProgress((epoch + start / list.length) / epochs);
        await yieldToEventLoop();
      }
    }
    stats.actions += epochStats.actions;
    stats.slateActions += epochStats.slateActions;
    lastLoss = epochStats.supervisedActions > 0 ? epochStats.supervisedLoss / epochStats.supervisedActions : 0;
    if (lastEpoch) adaptation = epochStats;
  }
  const n = adaptation.adaptedActions;
  return {
    actions: stats.actions,
    slateActions: stats.slateActions,
    tasks,
    loss: lastLoss,
    seconds: (performance.now() - started) / 1000,
    adaptation: n > 0 ? { unadaptedLoss: adaptation.unadaptedLoss / n, adaptedLoss: adaptation.adaptedLoss / n, actions: n } : null,
    epochs,
    perEpochActions: perEpoch,
  };
}

/** The leading tasks of a shuffled list whose actions fit in `budget`. */
function withinBudget(tasks: Task[], budget: number, maskSeen: boolean): Task[] {
  let used = 0;
  let end = 0;
  while (end < tasks.length && used < budget) used += taskActions(tasks[end++]!, maskSeen);
  return tasks.slice(0, end);
}
