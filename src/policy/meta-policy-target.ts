/**
 * `recgate ope --target meta-policy:<key>=<value>,...`: another configuration of the
 * meta-policy as a target policy over recgate's impression log. Its probabilities for a
 * logged round are the ones `MetaPolicy.probabilities` (LinUCB scores, floored softmax) gives
 * for the round's logged context features, with the arm statistics of the newest
 * `PolicySnapshot` (or fresh ones when there is none) and the overridden floor, temperature,
 * alpha and prior pulls. The arms are the strategies the log shows.
 *
 * The statistics are one snapshot, while the logging policy learned as it went: the target
 * reproduces the logged propensities exactly only for rounds decided with those statistics.
 */
import { rgError } from '../errors.js';
import type { Database } from '../db/index.js';
import type { LoggedBanditFeedback } from '../evaluation/off-policy/bandit-feedback.js';
import type { MetaPolicyTargetProvider } from '../evaluation/off-policy/policy-spec.js';
import type { TargetPolicy } from '../evaluation/off-policy/target-policy.js';
import type { ContextFeatures } from './context-features.js';
import { InProcessStatistics } from './in-process-statistics.js';
import { MetaPolicy } from './meta-policy.js';
import { META_POLICY_ENV, type MetaPolicyConfig } from '../config/meta-policy-config.js';
import { latestSnapshot } from './policy-snapshots.js';
import type { PolicyStatistics } from './statistics-store.js';

/** The settings a target may override, validated by the same schemas as their variables. */
const SETTINGS = {
  floor: META_POLICY_ENV.RECGATE_META_POLICY_FLOOR,
  temperature: META_POLICY_ENV.RECGATE_META_POLICY_TEMPERATURE,
  alpha: META_POLICY_ENV.RECGATE_META_POLICY_ALPHA,
  priorPulls: META_POLICY_ENV.RECGATE_META_POLICY_PRIOR_PULLS,
} as const;
type SettingKey = keyof typeof SETTINGS;
const KEYS = Object.keys(SETTINGS) as SettingKey[];

export const META_POLICY_TARGET_GRAMMAR = `meta-policy:<key>=<value>,... with keys ${KEYS.join(', ')}`;

export type MetaPolicyOverrides = Partial<Record<SettingKey, number>>;

const bad = (spec: string, reason: string) => rgError('RG_ERR_OPE_POLICY', { spec, reason, supported: META_POLICY_TARGET_GRAMMAR });

/** Parses the text after `meta-policy:` (empty: the configured policy). */
export function parseMetaPolicyOverrides(settings: string): MetaPolicyOverrides {
  const spec = `meta-policy:${settings}`;
  const out: MetaPolicyOverrides = {};
  for (const part of settings
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const raw = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(KEYS as string[]).includes(key)) throw bad(spec, `unknown key "${key}" (keys: ${KEYS.join(', ')})`);
    const name = key as SettingKey;
    if (name in out) throw bad(spec, `key "${name}" given twice`);
    if (raw === '') throw bad(spec, `key "${name}" needs a value (${name}=<number>)`);
    const parsed = SETTINGS[name].safeParse(raw);
    if (!parsed.success || !Number.isFinite(parsed.data)) {
      throw bad(spec, `key "${name}" has bad value "${raw}": ${parsed.success ? 'not finite' : parsed.error.issues[0]!.message}`);
    }
    out[name] = parsed.data;
  }
  return out;
}

export interface MetaPolicyTargetOptions {
  /** The configured meta-policy (`loadConfig().metaPolicy`): what the keys not given default to. */
  readonly config: MetaPolicyConfig;
  /** Where the newest `PolicySnapshot` is read from. */
  readonly db: Database;
}

/** The round's logged features, back from the log's categorical columns. */
function featuresOf(names: readonly string[], categories: readonly string[]): ContextFeatures {
  return Object.fromEntries(names.map((name, i) => [name, categories[i] ?? '']));
}

/**
 * Builds the target from already loaded statistics (null: fresh). The floor the gateway
 * runs with is the one set through the API when the snapshot has one, else the configured
 * one; a `floor` key overrides both.
 */
export async function metaPolicyTarget(
  settings: string,
  feedback: LoggedBanditFeedback,
  config: MetaPolicyConfig,
  snapshot: { state: PolicyStatistics; createdAt: Date } | null,
  /** Only these arms may be chosen (an experiment variant's `arms`); absent: every arm in the log. */
  allowedArms?: readonly string[],
): Promise<TargetPolicy> {
  const overrides = parseMetaPolicyOverrides(settings);
  const spec = `meta-policy:${settings}`;
  const statistics = new InProcessStatistics();
  const floor = overrides.floor ?? snapshot?.state.floor ?? config.floor;
  await statistics.restore({ arms: snapshot?.state.arms ?? {}, floor });
  const policy = new MetaPolicy({ ...config, ...overrides, floor }, statistics);
  const { space } = feedback;
  const arms = [...new Set(feedback.rounds.map((r) => space.actions[r.action]!))].filter((a) => !allowedArms || allowedArms.includes(a)).sort();
  const names = feedback.contextNames.categorical;
  // Rounds share few distinct contexts; one distribution per context.
  const cache = new Map<string, Float64Array>();
  const source = snapshot
    ? `arm statistics of the newest PolicySnapshot (${snapshot.createdAt.toISOString()})`
    : 'fresh arm statistics (no PolicySnapshot in the database)';
  const floorFrom = overrides.floor !== undefined ? 'given' : snapshot?.state.floor != null ? 'set through the API' : 'configured';
  return {
    spec,
    description:
      `meta-policy with floor ${floor} (${floorFrom}), temperature ${policy.config.temperature}, alpha ${policy.config.alpha}, prior pulls ${policy.config.priorPulls} ` +
      `over the ${arms.length} strategies in the log, from ${source}`,
    notes: [`statistics: ${source}; the logging policy learned during the log, so rounds decided with other statistics are re-scored with these`],
    actionProbabilities(round) {
      const key = round.context.categories.join('\u0000');
      let distribution = cache.get(key);
      if (!distribution) {
        const probabilities = policy.probabilities(featuresOf(names, round.context.categories), arms);
        distribution = Float64Array.from(space.actions, (action) => probabilities.get(action) ?? 0);
        cache.set(key, distribution);
      }
      return distribution;
    },
  } satisfies TargetPolicy;
}

/** The `meta-policy:` provider for `resolveTargetPolicy`: reads the newest snapshot when it builds. */
export function metaPolicyTargetProvider(options: MetaPolicyTargetOptions): MetaPolicyTargetProvider {
  return {
    check: (settings) => void parseMetaPolicyOverrides(settings),
    create: async (settings, feedback) => metaPolicyTarget(settings, feedback, options.config, await latestSnapshot(options.db)),
  };
}
