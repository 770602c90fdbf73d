/**
 * The policy that wrote a log, recovered from the propensities it recorded, as a context-free
 * target: pi(a | k) for every item a and position k.
 *
 * In a log written by a changing policy (OBD's Bernoulli Thompson Sampling re-estimates its
 * posterior all week: one (item, position) pair of the bts/men sample carries 541 different
 * propensities, from 0.001 to 0.6), a pair is logged more often exactly when its propensity is
 * high, so the plain mean of its recorded propensities overstates it (the per-position sums
 * come to 1.7-2.3 on bts/men). The harmonic mean undoes that size bias:
 *
 *   pi(a | k) = n(a, k) / sum over rounds i with (a_i, k_i) = (a, k) of 1 / p_i
 *
 * The denominator is the Horvitz-Thompson count of all rounds at position k, so the ratio
 * estimates the time-averaged probability (1/T) sum_t pi_t(a | k). Under rewards that do not
 * drift within the log, that time-averaged, context-free policy has the same value as the
 * logging policy itself, which is what the bts log's observed CTR measures. (OBP instead
 * re-simulates BTS from ZOZOTOWN's production prior; also one static distribution.)
 *
 * Pairs the log never showed have no recorded propensity. They share what is left of the
 * position's probability mass (1 minus the sum over the pairs it did show, if positive,
 * else nothing), then each position is normalised to sum to 1; the notes say how many.
 */
import { rgError } from '../../errors.js';
import { observedValue, type ActionSpace, type LoggedBanditFeedback } from './bandit-feedback.js';
import type { TargetPolicy } from './target-policy.js';

/** Per position, per action of `space`: the recovered probabilities, plus how they were filled. */
export interface RecoveredPolicy {
  /** `table[k][a]`: probability of action a (index in `space.actions`) at 0-based position k. */
  readonly table: readonly Float64Array[];
  readonly notes: readonly string[];
}

export function recoverLoggingPolicy(log: LoggedBanditFeedback, space: ActionSpace): RecoveredPolicy {
  if (log.space.positions !== space.positions) {
    throw rgError('RG_ERR_OPE_POLICY', {
      spec: `logged:${log.source}`,
      reason: `its log has ${log.space.positions} positions, the evaluated log ${space.positions}`,
      supported: 'a log with the same slate size',
    });
  }
  const actionsHere = new Map(space.actions.map((id, i) => [id, i]));
  const shown = space.positions * space.actions.length;
  const counts = new Float64Array(shown);
  const inverseSums = new Float64Array(shown);
  const droppedItems = new Set<string>();
  for (const round of log.rounds) {
    const id = log.space.actions[round.action]!;
    const action = actionsHere.get(id);
    if (action === undefined) {
      droppedItems.add(id);
      continue;
    }
    const cell = round.position * space.actions.length + action;
    counts[cell]! += 1;
    inverseSums[cell]! += 1 / round.propensity;
  }

  const notes: string[] = [];
  const rawSums: string[] = [];
  let unseenPairs = 0;
  const table = Array.from({ length: space.positions }, (_, k) => {
    const row = new Float64Array(space.actions.length);
    let seenMass = 0;
    const unseen: number[] = [];
    for (let a = 0; a < row.length; a++) {
      const cell = k * row.length + a;
      if (counts[cell]! > 0) {
        row[a] = counts[cell]! / inverseSums[cell]!;
        seenMass += row[a]!;
      } else {
        unseen.push(a);
      }
    }
    rawSums.push(seenMass.toFixed(3));
    unseenPairs += unseen.length;
    const leftover = unseen.length === row.length ? 1 : Math.max(0, 1 - seenMass);
    for (const a of unseen) row[a] = leftover / unseen.length;
    const total = row.reduce((sum, p) => sum + p, 0);
    if (total > 0) for (let a = 0; a < row.length; a++) row[a]! /= total;
    return row;
  });

  notes.push(`harmonic-mean propensities summed to ${rawSums.join(', ')} per position before normalising to 1`);
  if (unseenPairs > 0) {
    notes.push(`${unseenPairs} (item, position) pairs never shown in ${log.source} share the unclaimed mass of their position`);
  }
  if (droppedItems.size > 0) {
    notes.push(
      `${droppedItems.size} item(s) of ${log.source} are not actions of the evaluated log and were left out: ${[...droppedItems].slice(0, 10).join(', ')}`,
    );
  }
  return { table, notes };
}

/** The `logged:<file>` target: the context-free policy recovered from `log`, over `space`. */
export function loggedPolicy(spec: string, log: LoggedBanditFeedback, space: ActionSpace): TargetPolicy {
  const { table, notes } = recoverLoggingPolicy(log, space);
  return {
    spec,
    description: `context-free policy recovered from the propensities of ${log.rounds.length} rounds of ${log.source} (harmonic mean per item and position)`,
    actionProbabilities: (round) => table[round.position]!,
    observed: observedValue(log),
    notes,
  };
}
