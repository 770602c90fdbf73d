/**
 * LinUCB's sufficient statistics of one arm as a flat map of named sums, so every update is
 * a set of commutative increments (HINCRBYFLOAT in Redis, `+=` in process) and concurrent
 * updates from several gateways can never overwrite each other:
 *
 * - `A:i:j` (i <= j): sum of x_i x_j over the arm's pulls (the ridge I is added when read),
 * - `b:i`: sum of reward x_i,
 * - `pulls`: impressions whose reward counted, `reward`: their total reward.
 */

export interface ArmStatistics {
  readonly sums: Readonly<Record<string, number>>;
  /** Last update, ms epoch; null if never updated. */
  readonly updatedAt: number | null;
}

export const EMPTY_ARM: ArmStatistics = Object.freeze({ sums: Object.freeze({}), updatedAt: null });

/**
 * The increments of one observation with active indices `indices` (binary features).
 * `pull` is false for a further reward of an impression that already counted as a pull:
 * then only the reward sums move, so the impression's reward becomes the sum of its feedback.
 */
export function observationIncrements(indices: readonly number[], reward: number, pull: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  if (pull) {
    out.pulls = 1;
    for (let a = 0; a < indices.length; a++) {
      for (let b = a; b < indices.length; b++) out[`A:${indices[a]}:${indices[b]}`] = 1;
    }
  }
  if (reward !== 0) {
    out.reward = reward;
    for (const i of indices) out[`b:${i}`] = reward;
  }
  return out;
}

export function addIncrements(arm: ArmStatistics, increments: Readonly<Record<string, number>>, at: number): ArmStatistics {
  const sums: Record<string, number> = { ...arm.sums };
  for (const [field, value] of Object.entries(increments)) sums[field] = (sums[field] ?? 0) + value;
  return { sums, updatedAt: Math.max(arm.updatedAt ?? 0, at) };
}

export const pullsOf = (arm: ArmStatistics): number => arm.sums.pulls ?? 0;
export const meanRewardOf = (arm: ArmStatistics): number | null => (pullsOf(arm) > 0 ? (arm.sums.reward ?? 0) / pullsOf(arm) : null);
