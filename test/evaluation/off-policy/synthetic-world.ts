/**
 * A small simulated recommendation world with everything known: the reward function, the
 * (contextual) logging policy and the target policy, hence the target's true value. Logs
 * drawn from it test estimators against the truth rather than against each other.
 */
import type { ActionSpace, BanditRound, LoggedBanditFeedback } from '../../../src/evaluation/off-policy/index.js';
import type { TargetPolicy } from '../../../src/evaluation/off-policy/index.js';
import { createRandom } from '../../../src/ml/random.js';

export interface SyntheticWorld {
  readonly space: ActionSpace;
  /** Expected reward of action a for user u at position k. */
  q(user: number, action: number, position: number): number;
  logging(user: number, position: number): Float64Array;
  readonly target: TargetPolicy;
  /** The target's exact value: users and positions uniform, rewards Bernoulli(q). */
  readonly trueValue: number;
  /** The logging policy's exact value. */
  readonly loggingValue: number;
  /** n rounds logged by the logging policy. */
  sample(n: number, seed: number): LoggedBanditFeedback;
  /** The true q for every round and action, in the layout `buildEstimatorInputs` takes. */
  trueRewardPredictions(feedback: LoggedBanditFeedback): Float64Array;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function softmax(scores: readonly number[]): Float64Array {
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const total = exp.reduce((a, b) => a + b, 0);
  return Float64Array.from(exp, (e) => e / total);
}

export function createSyntheticWorld(options: { actions?: number; positions?: number; users?: number; targetSharpness?: number } = {}): SyntheticWorld {
  const actions = options.actions ?? 6;
  const positions = options.positions ?? 2;
  const users = options.users ?? 3;
  const sharpness = options.targetSharpness ?? 1.5;
  const random = createRandom(20240501);
  const itemEffect = Array.from({ length: actions }, () => 0.8 * random.normal());
  const userItem = Array.from({ length: users }, () => Array.from({ length: actions }, () => 0.8 * random.normal()));
  const loggingScores = Array.from({ length: users }, () =>
    Array.from({ length: positions }, () => Array.from({ length: actions }, () => 0.8 * random.normal())),
  );
  const logit = (u: number, a: number, k: number): number => -1.5 + itemEffect[a]! + userItem[u]![a]! - 0.4 * k;
  const q = (u: number, a: number, k: number): number => sigmoid(logit(u, a, k));
  const logging = (u: number, k: number): Float64Array => softmax(loggingScores[u]![k]!);
  const targetTable = Array.from({ length: users }, (_, u) =>
    Array.from({ length: positions }, (_, k) => softmax(Array.from({ length: actions }, (_, a) => sharpness * logit(u, a, k)))),
  );

  const space: ActionSpace = {
    actions: Array.from({ length: actions }, (_, a) => `item-${a}`),
    positions,
    actionFeatures: null,
    featureNames: { categorical: [], numeric: [] },
  };
  const userOf = (round: BanditRound): number => Number(round.context.categories[0]!.slice(1));

  const value = (policy: (u: number, k: number) => Float64Array): number => {
    let total = 0;
    for (let u = 0; u < users; u++) {
      for (let k = 0; k < positions; k++) {
        const pi = policy(u, k);
        for (let a = 0; a < actions; a++) total += pi[a]! * q(u, a, k);
      }
    }
    return total / (users * positions);
  };

  return {
    space,
    q,
    logging,
    target: {
      spec: 'synthetic-target',
      description: 'softmax of the true reward logits',
      actionProbabilities: (round) => targetTable[userOf(round)]![round.position]!,
    },
    trueValue: value((u, k) => targetTable[u]![k]!),
    loggingValue: value(logging),
    sample(n, seed) {
      const draw = createRandom(seed);
      const rounds: BanditRound[] = [];
      for (let i = 0; i < n; i++) {
        const user = draw.int(users);
        const position = draw.int(positions);
        const pi = logging(user, position);
        let action = 0;
        let u = draw.next();
        while (action < actions - 1 && u >= pi[action]!) u -= pi[action++]!;
        rounds.push({
          timestamp: i,
          action,
          position,
          reward: draw.next() < q(user, action, position) ? 1 : 0,
          propensity: pi[action]!,
          context: { categories: [`u${user}`], actionAffinity: null },
        });
      }
      return { source: `synthetic:${seed}`, space, contextNames: { categorical: ['user'] }, rounds };
    },
    trueRewardPredictions(feedback) {
      const out = new Float64Array(feedback.rounds.length * actions);
      feedback.rounds.forEach((round, i) => {
        for (let a = 0; a < actions; a++) out[i * actions + a] = q(userOf(round), a, round.position);
      });
      return out;
    },
  };
}
