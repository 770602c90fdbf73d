import { afterAll, describe, expect, it } from 'vitest';
import { isRecgateError, type ErrorCode, type RecgateError } from '../../../src/errors.js';
import {
  buildEstimatorInputs,
  loggedPolicy,
  parseTargetPolicySpec,
  readObdFeedback,
  recoverLoggingPolicy,
  resolveFeedbackSource,
  resolveTargetPolicy,
  uniformPolicy,
  type ActionSpace,
  type BanditFeedbackSource,
  type BanditRound,
  type LoggedBanditFeedback,
  type TargetPolicy,
} from '../../../src/evaluation/off-policy/index.js';
import { createRandom } from '../../../src/ml/random.js';
import { BTS_LOG, RANDOM_LOG, removeTemporaryFolders, setCell, writeObdSlice } from './obd-files.js';

afterAll(removeTemporaryFolders);

async function codedError(run: () => unknown, code: ErrorCode): Promise<RecgateError> {
  let caught: unknown = null;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(isRecgateError(caught), String(caught)).toBe(true);
  expect((caught as RecgateError).code).toBe(code);
  return caught as RecgateError;
}

const space = (actions: number, positions = 1): ActionSpace => ({
  actions: Array.from({ length: actions }, (_, a) => String(a)),
  positions,
  actionFeatures: null,
  featureNames: { categorical: [], numeric: [] },
});

function logOf(rounds: BanditRound[], actions: number, positions = 1): LoggedBanditFeedback {
  return { source: 'test', space: space(actions, positions), contextNames: { categorical: [] }, rounds };
}

function draw(distribution: readonly number[], u: number): number {
  let action = 0;
  while (action < distribution.length - 1 && u >= distribution[action]!) u -= distribution[action++]!;
  return action;
}

describe('recovering a logging policy from its propensities', () => {
  it('recovers the time-averaged policy of a changing logger, where the plain mean is size-biased', () => {
    // Week 1 favours action 0, week 2 action 2: the time average is (0.45, 0.2, 0.35).
    const phases = [
      [0.8, 0.15, 0.05],
      [0.1, 0.25, 0.65],
    ];
    const random = createRandom(5);
    const rounds: BanditRound[] = [];
    for (let i = 0; i < 40_000; i++) {
      const pi = phases[i < 20_000 ? 0 : 1]!;
      const action = draw(pi, random.next());
      rounds.push({ timestamp: i, action, position: 0, reward: 0, propensity: pi[action]!, context: { categories: [], actionAffinity: null } });
    }
    const recovered = recoverLoggingPolicy(logOf(rounds, 3), space(3)).table[0]!;
    const truth = [0.45, 0.2, 0.35];
    const plainMean = [0, 1, 2].map((a) => {
      const ps = rounds.filter((r) => r.action === a).map((r) => r.propensity);
      return ps.reduce((s, p) => s + p, 0) / ps.length;
    });
    for (let a = 0; a < 3; a++) {
      expect(Math.abs(recovered[a]! - truth[a]!), `action ${a}`).toBeLessThan(0.01);
    }
    // The plain mean of action 0's propensities is about 0.72: far off.
    expect(Math.abs(plainMean[0]! - truth[0]!)).toBeGreaterThan(0.2);
  });

  it('gives pairs the log never showed the unclaimed mass of their position', () => {
    const rounds: BanditRound[] = [
      ...Array.from({ length: 30 }, (): BanditRound => ({
        timestamp: 0,
        action: 0,
        position: 0,
        reward: 0,
        propensity: 0.5,
        context: { categories: [], actionAffinity: null },
      })),
      ...Array.from({ length: 20 }, (): BanditRound => ({
        timestamp: 0,
        action: 1,
        position: 0,
        reward: 0,
        propensity: 0.3,
        context: { categories: [], actionAffinity: null },
      })),
    ];
    const { table, notes } = recoverLoggingPolicy(logOf(rounds, 4), space(4));
    expect(Array.from(table[0]!)).toEqual([0.5, 0.3, 0.1, 0.1].map((p) => expect.closeTo(p, 12)));
    expect(notes.join(' ')).toContain('2 (item, position) pairs never shown');
  });

  it('recovers exactly 1/34 per item and position from the OBD random log slice', async () => {
    // 1,000 rounds show every one of the 34 x 3 (item, position) pairs.
    const random = await readObdFeedback(RANDOM_LOG);
    const { table, notes } = recoverLoggingPolicy(random, random.space);
    expect(notes.join(' ')).not.toContain('never shown');
    for (const row of table) for (const p of row) expect(p).toBeCloseTo(1 / 34, 12);
  });

  it('recovers the BTS policy as one distribution per position, with the ground truth attached', async () => {
    const random = await readObdFeedback(RANDOM_LOG, { limit: 500 });
    const target = await resolveTargetPolicy(`logged:${BTS_LOG}`, random.space);
    for (const round of random.rounds.slice(0, 50)) {
      const pi = await target.actionProbabilities(round);
      expect(pi.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    }
    // The bts slice: 1,000 rounds, 9 clicks (awk -F, 'NR>1{c+=$5} END{print c}').
    expect(target.observed?.value).toBeCloseTo(9 / 1000, 12);
    expect(target.observed?.rounds).toBe(1000);
    // The recovered per-position sums land near 1 before normalisation: a check on the harmonic mean.
    const sums = /summed to ([\d.]+), ([\d.]+), ([\d.]+)/.exec(target.notes!.join(' '))!.slice(1).map(Number);
    for (const sum of sums) expect(Math.abs(sum - 1)).toBeLessThan(0.2);
  });

  it('rejects a log with another slate size', () => {
    const two = logOf([{ timestamp: 0, action: 0, position: 1, reward: 0, propensity: 1, context: { categories: [], actionAffinity: null } }], 2, 2);
    return codedError(() => loggedPolicy('logged:x', two, space(2, 3)), 'RG_ERR_OPE_POLICY');
  });
});

describe('policy and log specs', () => {
  it('uniform is 1/#actions', async () => {
    const policy = await resolveTargetPolicy('uniform', space(4));
    const round: BanditRound = { timestamp: 0, action: 0, position: 0, reward: 0, propensity: 1, context: { categories: [], actionAffinity: null } };
    expect(Array.from(await policy.actionProbabilities(round))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(uniformPolicy(space(4)).spec).toBe('uniform');
  });

  it('strategy:<name> needs the gateway and says what is supported', async () => {
    const error = await codedError(() => parseTargetPolicySpec('strategy:als'), 'RG_ERR_OPE_POLICY');
    expect(error.message).toContain('needs the gateway');
    expect(error.message).toContain('Supported: uniform, logged:<file.csv>');
    // With the gateway's factory it resolves through it.
    const made: TargetPolicy = { ...uniformPolicy(space(2)), spec: 'strategy:als' };
    const policy = await resolveTargetPolicy('strategy:als', space(2), { strategy: async (name) => ({ ...made, description: name }) });
    expect(policy.description).toBe('als');
  });

  it.each(['bogus', 'logged:', 'strategy:', 'random'])('unknown or incomplete policy spec "%s"', async (spec) => {
    await codedError(() => parseTargetPolicySpec(spec), 'RG_ERR_OPE_POLICY');
  });

  it("a logged: target whose file is bad gives the reader's coded error", async () => {
    const file = await writeObdSlice(BTS_LOG, 10, (lines) => setCell(lines, 3, 'propensity_score', '0'));
    const error = await codedError(() => resolveTargetPolicy(`logged:${file}`, space(34, 3)), 'RG_ERR_OPE_LOG');
    expect(error.details).toMatchObject({ file, line: 4 });
    await codedError(() => resolveTargetPolicy('logged:/no/such/file.csv', space(34, 3)), 'RG_ERR_IMPORT_FILE');
  });

  it('a target that returns something other than a distribution is rejected', async () => {
    const random = await readObdFeedback(RANDOM_LOG, { limit: 20 });
    const broken: TargetPolicy = { spec: 'broken', description: '', actionProbabilities: () => new Float64Array(34).fill(0.1) };
    const error = await codedError(() => buildEstimatorInputs(random, broken, new Float64Array(20 * 34)), 'RG_ERR_OPE_POLICY');
    expect(error.message).toContain('not a distribution');
  });

  it("log specs: obd:<file>, impressions only with the host's provider, nothing else", async () => {
    expect(resolveFeedbackSource(`obd:${RANDOM_LOG}`).spec).toBe(`obd:${RANDOM_LOG}`);
    const error = await codedError(() => resolveFeedbackSource('impressions'), 'RG_ERR_OPE_LOG_SOURCE');
    expect(error.message).toContain('meta-policy');
    const impressions: BanditFeedbackSource = { spec: 'impressions', load: () => readObdFeedback(RANDOM_LOG, { limit: 5 }) };
    expect(resolveFeedbackSource('impressions', { impressions })).toBe(impressions);
    await codedError(() => resolveFeedbackSource('csv:x.csv'), 'RG_ERR_OPE_LOG_SOURCE');
    await codedError(() => resolveFeedbackSource('obd:'), 'RG_ERR_OPE_LOG_SOURCE');
  });
});
