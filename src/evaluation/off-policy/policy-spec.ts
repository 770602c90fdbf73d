/**
 * The `--target <policy>` grammar:
 *
 *   uniform            1 / #actions for every action at every position
 *   logged:<file.csv>  the context-free policy recovered from an OBD log's propensities
 *   strategy:<name>    a registered strategy (or the meta-policy) as the gateway serves it;
 *                      needs the gateway, which supplies a StrategyTargetFactory
 *   meta-policy:<key>=<value>,...
 *                      the meta-policy with other settings (floor, temperature, alpha, priorPulls) over
 *                      recgate's impression log; the host supplies a MetaPolicyTargetProvider
 */
import { rgError } from '../../errors.js';
import type { ActionSpace, LoggedBanditFeedback } from './bandit-feedback.js';
import { loggedPolicy } from './logged-policy.js';
import { readObdFeedback } from './obd-reader.js';
import type { StrategyTargetFactory, TargetPolicy } from './target-policy.js';
import { uniformPolicy } from './uniform-policy.js';

export const SUPPORTED_POLICY_SPECS = 'uniform, logged:<file.csv>, strategy:<name> (with the gateway), meta-policy:<key>=<value>,... (with --log impressions)';

/**
 * Makes `meta-policy:<settings>` targets. The host supplies it with the impression log (it
 * owns the policy code, its configuration and the statistics snapshots).
 */
export interface MetaPolicyTargetProvider {
  /** Validates the text after `meta-policy:`; throws RG_ERR_OPE_POLICY naming the bad key. */
  check(settings: string): void;
  /** The target over the evaluated log (it reads the rounds' logged context features). */
  create(settings: string, feedback: LoggedBanditFeedback): Promise<TargetPolicy>;
}

export interface TargetPolicyProviders {
  /** Supplied by the gateway; without it `strategy:<name>` is rejected with RG_ERR_OPE_POLICY. */
  readonly strategy?: StrategyTargetFactory;
  /** Supplied with `--log impressions`; without it `meta-policy:` specs are rejected with RG_ERR_OPE_POLICY. */
  readonly metaPolicy?: MetaPolicyTargetProvider;
}

export type TargetPolicySpec =
  | { readonly kind: 'uniform'; readonly spec: string }
  | { readonly kind: 'logged'; readonly spec: string; readonly file: string }
  | { readonly kind: 'strategy'; readonly spec: string; readonly name: string }
  | { readonly kind: 'meta-policy'; readonly spec: string; readonly settings: string };

/**
 * Checks a spec's grammar (and that its provider is there) without reading anything, so the
 * CLI rejects a bad `--target` before it loads the log.
 */
export function parseTargetPolicySpec(spec: string, providers: TargetPolicyProviders = {}): TargetPolicySpec {
  const trimmed = spec.trim();
  if (trimmed === 'uniform') return { kind: 'uniform', spec: trimmed };
  if (trimmed.startsWith('logged:')) {
    const file = trimmed.slice('logged:'.length);
    if (file === '') {
      throw rgError('RG_ERR_OPE_POLICY', { spec, reason: 'no file after "logged:"', supported: SUPPORTED_POLICY_SPECS });
    }
    return { kind: 'logged', spec: trimmed, file };
  }
  if (trimmed.startsWith('strategy:')) {
    const name = trimmed.slice('strategy:'.length);
    if (name === '') {
      throw rgError('RG_ERR_OPE_POLICY', { spec, reason: 'no name after "strategy:"', supported: SUPPORTED_POLICY_SPECS });
    }
    if (!providers.strategy) {
      throw rgError('RG_ERR_OPE_POLICY', {
        spec,
        reason: `evaluating strategy "${name}" needs the gateway (its strategy registry and trained models), which this command does not start yet`,
        supported: 'uniform, logged:<file.csv>',
      });
    }
    return { kind: 'strategy', spec: trimmed, name };
  }
  if (trimmed === 'meta-policy' || trimmed.startsWith('meta-policy:')) {
    const settings = trimmed.slice('meta-policy:'.length);
    if (!providers.metaPolicy) {
      throw rgError('RG_ERR_OPE_POLICY', {
        spec,
        reason:
          "a meta-policy target re-scores the strategies the meta-policy chose between from the context features it logged, which only recgate's own impression log has: use --log impressions",
        supported: 'uniform, logged:<file.csv>',
      });
    }
    providers.metaPolicy.check(settings);
    return { kind: 'meta-policy', spec: trimmed, settings };
  }
  throw rgError('RG_ERR_OPE_POLICY', { spec, reason: 'unknown policy spec', supported: SUPPORTED_POLICY_SPECS });
}

/**
 * Makes the target policy for `spec` over the evaluated log's action space. `feedback` is the
 * evaluated log itself, which `meta-policy:` targets need (they read its context features).
 */
export async function resolveTargetPolicy(
  spec: string,
  space: ActionSpace,
  providers: TargetPolicyProviders = {},
  feedback?: LoggedBanditFeedback,
): Promise<TargetPolicy> {
  const parsed = parseTargetPolicySpec(spec, providers);
  switch (parsed.kind) {
    case 'uniform':
      return uniformPolicy(space);
    case 'logged':
      return loggedPolicy(parsed.spec, await readObdFeedback(parsed.file), space);
    case 'strategy':
      return providers.strategy!(parsed.name, space);
    case 'meta-policy':
      if (!feedback) {
        throw rgError('RG_ERR_OPE_POLICY', {
          spec,
          reason: 'a meta-policy target needs the evaluated log (its context features)',
          supported: SUPPORTED_POLICY_SPECS,
        });
      }
      return providers.metaPolicy!.create(parsed.settings, feedback);
  }
}
