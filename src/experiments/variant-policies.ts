/**
 * What serves an experiment variant's requests, as a serving policy (src/serving/):
 *
 *   strategy       the fixed chain [strategy, fallback], propensity 1
 *   model-version  the pinned version of the strategy, then the fallback, propensity 1
 *   meta-policy    the meta-policy with the variant's floor / temperature / alpha over the
 *                  variant's arms, sharing the configured policy's statistics (it learns
 *                  from every meta-policy impression, its own included)
 *
 * Every decision carries the experiment exposure (key, variant, phase), which the impression
 * logs and the slate returns.
 */
import { rgError } from '../errors.js';
import { MetaPolicy } from '../policy/meta-policy.js';
import { FixedChainPolicy } from '../serving/fixed-chain-policy.js';
import { MetaServingPolicy } from '../serving/meta-serving-policy.js';
import { servingChain } from '../serving/serving-chain.js';
import type { ExperimentExposure, ServingChoice, ServingDecision, ServingPolicy, ServingRequest } from '../serving/serving-policy.js';
import type { Logger } from '../strategies/contract.js';
import type { PinnedModels } from './pinned-models.js';
import type { VariantServing } from './spec.js';

export interface VariantPolicyDeps {
  /** The configured meta-policy; null when RECGATE_META_POLICY=off. */
  readonly metaPolicy: MetaPolicy | null;
  readonly pinned: PinnedModels;
  readonly log: Logger;
}

/** The serving policy for a variant, without the exposure (see `exposed`). */
export function variantPolicy(serving: VariantServing, deps: VariantPolicyDeps): ServingPolicy {
  switch (serving.kind) {
    case 'strategy':
      return new FixedChainPolicy(servingChain(serving.strategy));
    case 'model-version':
      return pinnedPolicy(serving.strategy, serving.modelVersion, deps.pinned);
    case 'meta-policy': {
      const base = deps.metaPolicy;
      if (!base) throw rgError('RG_ERR_META_POLICY_OFF', { operation: 'a meta-policy variant' });
      const { kind: _kind, arms, ...overrides } = serving;
      const policy = new MetaServingPolicy(new MetaPolicy({ ...base.config, ...overrides }, base.statistics), deps.log);
      if (!arms) return policy;
      return {
        name: `${policy.name}[${arms.join(',')}]`,
        servingArms: (loaded) => policy.servingArms(loaded.filter((a) => arms.includes(a))),
        decide: (request) => policy.decide({ ...request, candidates: request.candidates.filter((a) => arms.includes(a)) }),
      };
    }
  }
}

function pinnedPolicy(strategy: string, version: string, pinned: PinnedModels): ServingPolicy {
  const chain = new FixedChainPolicy(servingChain(strategy));
  return {
    name: `pinned:${strategy}@${version}`,
    servingArms: (loaded) => chain.servingArms(loaded),
    decide(request: ServingRequest): ServingDecision {
      // The pinned version serves even while the strategy has no live model; not loaded (yet,
      // or it failed), the strategy's live model serves and the impression says which.
      const model = pinned.get(version);
      const arms: ServingChoice[] = chain.chain.strategies
        .filter((s) => (s === strategy && model) || request.candidates.includes(s))
        .map((arm) => (arm === strategy && model ? { arm, propensity: 1, model } : { arm, propensity: 1 }));
      let at = 0;
      return { features: null, variant: null, next: () => arms[at++] ?? null, report: () => {} };
    },
  };
}

/** The policy with every decision carrying the experiment exposure. */
export function exposed(policy: ServingPolicy, exposure: ExperimentExposure): ServingPolicy {
  return {
    name: `${policy.name} (${exposure.key}/${exposure.variant})`,
    servingArms: (loaded) => policy.servingArms(loaded),
    decide: (request) => ({ ...policy.decide(request), experiment: exposure }),
  };
}
