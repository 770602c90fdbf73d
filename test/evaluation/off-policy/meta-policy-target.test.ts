/**
 * `meta-policy:<settings>` targets over an impression log the gateway itself wrote: the
 * logging configuration reproduces the logged propensities, another floor moves them as the
 * floored softmax says, and bad specs are coded errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../support/run-command.js';
import { registerOpeCommand } from '../../../src/cli/commands/ope.js';
import { isRecgateError } from '../../../src/errors.js';
import { evaluateOffPolicy, resolveTargetPolicy, type LoggedBanditFeedback, type TargetPolicyProviders } from '../../../src/evaluation/off-policy/index.js';
import { impressionFeedbackSource } from '../../../src/policy/impression-bandit-log.js';
import { metaPolicyTargetProvider } from '../../../src/policy/meta-policy-target.js';
import { defineStrategy } from '../../../src/strategies/contract.js';
import { createPolicyGateway, type PolicyGateway } from '../../policy/policy-gateway.js';

/** Every catalogue item in id order: a strategy that always answers. */
const listing = (name: string) =>
  defineStrategy({
    name,
    version: '1.0.0',
    params: z.object({}),
    train: async () => ({ artifact: { json: null, arrays: {} }, metrics: {} }),
    load: () => null,
    recommend: async (_model, request) =>
      request.catalog.active
        .map((item) => item.id)
        .filter((id) => !request.exclude.has(id))
        .slice(0, request.k)
        .map((itemId, i) => ({ itemId, score: -i, explanation: name })),
  });

const LOGGING_FLOOR = 0.1;
/** Each surface has the arm the warm-up taught the policy to prefer there. */
const FAVOURITE: Record<string, string> = { home: 'alpha-list', search: 'beta-list', cart: 'popularity' };
const SURFACES = Object.keys(FAVOURITE);
const SLATES = 120;

const SLATE = 'query($u: ID!, $s: String!) { recommendations(userId: $u, limit: 2, surface: $s) { impressionId strategy propensity items { item { id } } } }';
const FEEDBACK = 'mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id } }';

/** Runs `recgate ope <args>` in process; returns what it printed. */
const run = (args: string[]): Promise<string> => runCommand(registerOpeCommand, args);

async function codedError(work: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work();
  } catch (error) {
    if (isRecgateError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a coded error');
}

describe('meta-policy target over the impression log', () => {
  let t: PolicyGateway;
  let feedback: LoggedBanditFeedback;
  let providers: TargetPolicyProviders;
  let arms: string[];

  beforeAll(async () => {
    t = await createPolicyGateway('sqlite', [listing('alpha-list'), listing('beta-list')], {
      RECGATE_META_POLICY_FLOOR: String(LOGGING_FLOOR),
      RECGATE_META_POLICY_FEATURES: 'interactions,new-user,surface',
      // Nothing but the test may snapshot or sweep: the snapshot must be the statistics the slates were drawn with.
      RECGATE_META_POLICY_SNAPSHOT_SECONDS: '3600',
      RECGATE_REWARD_SWEEP_SECONDS: '3600',
    });
    const runtime = t.gateway.services.metaPolicy!;
    // Warm-up: each surface's favourite pays, the others do not.
    for (const surface of SURFACES) {
      const features = { interactions: '0', 'new-user': 'true', surface };
      for (let i = 0; i < 20; i++) {
        for (const arm of Object.values(FAVOURITE)) await runtime.policy.reward(arm, features, arm === FAVOURITE[surface] ? 1 : 0, true);
      }
    }
    await runtime.snapshot();

    // Every slate is drawn before any feedback, so all with the snapshot's statistics.
    const served: Array<{ impressionId: string; user: string; item: string; strategy: string }> = [];
    for (let i = 0; i < SLATES; i++) {
      const user = `u${i}`;
      const r = await t.gql(SLATE, { u: user, s: SURFACES[i % SURFACES.length] });
      expect(r.errors).toBeUndefined();
      const slate = r.data!.recommendations;
      served.push({ impressionId: slate.impressionId, user, item: slate.items[0].item.id, strategy: slate.strategy });
    }
    await t.gateway.services.impressions.flush();
    for (const [i, s] of served.entries()) {
      // Clicks on every other slate of the favourite arms, views (reward 0) elsewhere: every slate is finalised.
      const type = s.strategy !== 'popularity' && i % 2 === 0 ? 'CLICK' : 'VIEW';
      const r = await t.gql(FEEDBACK, { input: { impressionId: s.impressionId, userId: s.user, itemId: s.item, type } });
      expect(r.errors).toBeUndefined();
    }
    const { rewardWindowMs, defaultReward } = runtime.policy.config;
    // Evaluated as of the moment every slate's reward window has closed.
    feedback = await impressionFeedbackSource(t.database.db, {
      arms: t.gateway.services.registry.names(),
      rewardWindowMs,
      defaultReward,
      now: () => Date.now() + rewardWindowMs + 1,
    }).load();
    providers = { metaPolicy: metaPolicyTargetProvider({ db: t.database.db, config: runtime.policy.config }) };
    arms = [...new Set(feedback.rounds.map((r) => feedback.space.actions[r.action]!))].sort();
  }, 60_000);
  afterAll(() => t?.close());

  const target = (spec: string) => resolveTargetPolicy(spec, feedback.space, providers, feedback);

  it('with the logging configuration reproduces the logged propensities, so IPS is the logged mean reward', async () => {
    expect(feedback.rounds).toHaveLength(SLATES);
    expect(arms).toEqual(['alpha-list', 'beta-list', 'popularity']);
    // The warm-up made the draws uneven: the favourite of a surface gets most of the mass.
    const propensities = feedback.rounds.map((r) => r.propensity);
    expect(Math.max(...propensities) - Math.min(...propensities)).toBeGreaterThan(0.5);

    const policy = await target('meta-policy:');
    expect(policy.description).toContain('newest PolicySnapshot');
    for (const round of feedback.rounds) {
      // Same statistics, same code: equal up to floating point.
      expect(Math.abs((await policy.actionProbabilities(round))[round.action]! - round.propensity)).toBeLessThan(1e-12);
    }
    const report = await evaluateOffPolicy(feedback, policy, { bootstrap: 20, folds: 1, rewardModel: 'empirical' });
    expect(report.log.observed.value).toBeGreaterThan(0);
    // Every weight is 1 up to rounding, so IPS is the logged mean to 1e-9.
    expect(Math.abs(report.estimators.ips.estimate - report.log.observed.value)).toBeLessThan(1e-9);
    expect(Math.abs(report.weights.max - 1)).toBeLessThan(1e-9);
  });

  it('moves the probabilities as the floored softmax says when only the floor changes', async () => {
    const logging = await target('meta-policy:');
    const higher = await target('meta-policy:floor=0.3');
    const nearUniform = await target('meta-policy:floor=0.3333');
    const k = arms.length;
    for (const round of feedback.rounds.slice(0, SURFACES.length)) {
      const p = await logging.actionProbabilities(round);
      const q = await higher.actionProbabilities(round);
      const u = await nearUniform.actionProbabilities(round);
      for (const arm of arms) {
        const a = feedback.space.actions.indexOf(arm);
        // p = f + (1 - K f) s with the same softmax s, so q = 0.3 + (1 - 0.9) (p - 0.1) / (1 - 0.3).
        expect(q[a]!).toBeCloseTo(0.3 + ((1 - k * 0.3) * (p[a]! - LOGGING_FLOOR)) / (1 - k * LOGGING_FLOOR), 12);
        expect(q[a]!).toBeGreaterThanOrEqual(0.3 - 1e-12);
        // K f = 0.9999: at most 1e-4 of the mass follows the scores.
        expect(Math.abs(u[a]! - 1 / k)).toBeLessThan(1e-4);
      }
    }
    // Near-uniform target on an uneven log: IPS weights now differ from 1.
    const report = await evaluateOffPolicy(feedback, nearUniform, { bootstrap: 20, folds: 1, rewardModel: 'empirical' });
    expect(report.weights.max).toBeGreaterThan(2);
  });

  it('rejects bad specs with RG_ERR_OPE_POLICY naming the key, and meta-policy targets without the impression log', async () => {
    for (const [spec, key] of [
      ['meta-policy:beta=2', 'beta'],
      ['meta-policy:floor=1.5', 'floor'],
      ['meta-policy:temperature=0', 'temperature'],
      ['meta-policy:alpha=-1', 'alpha'],
      ['meta-policy:alpha=abc', 'alpha'],
      ['meta-policy:floor', 'floor'],
    ] as const) {
      const error = await codedError(() => target(spec));
      expect(error.code).toBe('RG_ERR_OPE_POLICY');
      expect(error.message).toContain(`"${key}"`);
    }
    const withoutLog = await codedError(() => resolveTargetPolicy('meta-policy:floor=0.2', feedback.space, {}));
    expect(withoutLog.code).toBe('RG_ERR_OPE_POLICY');
    expect(withoutLog.message).toContain('--log impressions');
    // The command rejects it with an OBD log before reading any file.
    const obd = await codedError(() => run(['ope', '--target', 'meta-policy:floor=0.2', '--log', 'obd:/no/such/file.csv']));
    expect(obd.code).toBe('RG_ERR_OPE_POLICY');
    expect(obd.message).toContain('--log impressions');
  });

  it("runs as `recgate ope --log impressions --target meta-policy:...` with the gateway's environment", async () => {
    const env = {
      DATABASE_URL: t.database.url,
      RECGATE_META_POLICY_FLOOR: String(LOGGING_FLOOR),
      RECGATE_META_POLICY_FEATURES: 'interactions,new-user,surface',
      // The command evaluates slates whose reward window has closed: with a one-second window,
      // every slate once a second has passed since the last one.
      RECGATE_REWARD_WINDOW_SECONDS: '1',
    };
    const newest = await t.database.db.prisma.impression.aggregate({ _max: { createdAt: true } });
    const wait = newest._max.createdAt!.getTime() + 1_100 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const folder = await mkdtemp(path.join(tmpdir(), 'recgate-ope-meta-'));
    Object.assign(process.env, env);
    try {
      const json = path.join(folder, 'report.json');
      const common = ['--log', 'impressions', '--reward-model', 'empirical', '--bootstrap', '20', '--folds', '1', '--json', json];
      const printed = await run(['ope', '--target', 'meta-policy:', ...common]);
      expect(printed).toContain('from arm statistics of the newest PolicySnapshot');
      const report = JSON.parse(await readFile(json, 'utf8')) as { log: { observed: { value: number } }; estimators: Record<string, { estimate: number }> };
      expect(Math.abs(report.estimators.ips!.estimate - report.log.observed.value)).toBeLessThan(1e-9);
      await run(['ope', '--target', 'meta-policy:floor=0.3,temperature=0.5', ...common]);
      const other = JSON.parse(await readFile(json, 'utf8')) as { target: { description: string }; estimators: Record<string, { estimate: number }> };
      expect(other.target.description).toContain('floor 0.3 (given), temperature 0.5, alpha 0.1');
      expect(Number.isFinite(other.estimators.snips!.estimate)).toBe(true);
    } finally {
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(folder, { recursive: true, force: true });
    }
  });
});
