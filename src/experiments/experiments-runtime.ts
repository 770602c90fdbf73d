/**
 * A gateway's experiments: the lifecycle service, and the running experiments the request
 * path assigns from, reloaded after every change made here and polled so changes made on
 * another gateway (or the CLI) apply within `refreshMs`.
 */
import type { Database } from '../db/index.js';
import type { ServingPolicy } from '../serving/serving-policy.js';
import type { Logger } from '../strategies/contract.js';
import { assignableExperiment, ExperimentAssigner, NO_EXPERIMENTS } from './assignment.js';
import { experimentResults, type PhaseResults, type RewardSettings } from './experiment-results.js';
import { ExperimentService, type StrategyNames } from './experiment-service.js';
import type { ResultsOptions } from './results.js';
import type { PinnedModels } from './pinned-models.js';
import { exposed, variantPolicy, type VariantPolicyDeps } from './variant-policies.js';

export interface ExperimentsRuntimeOptions {
  readonly db: Database;
  readonly strategies: StrategyNames;
  readonly rewards: RewardSettings;
  readonly log: Logger;
  /** How often running experiments are re-read from the database, ms; 0 = never. @default 5000 */
  readonly refreshMs?: number;
  /** Whether the meta-policy runs, when `serving` is absent (the CLI). @default true */
  readonly metaPolicyEnabled?: boolean;
  /** Builds variants' serving policies; absent: assignment only (the CLI). */
  readonly serving?: VariantPolicyDeps & { readonly pinned: PinnedModels };
}

const variantId = (experiment: string, variant: string) => `${experiment}\u0000${variant}`;

export class ExperimentsRuntime {
  readonly service: ExperimentService;
  #assigner: ExperimentAssigner = NO_EXPERIMENTS;
  #policies = new Map<string, ServingPolicy>();
  #timer: NodeJS.Timeout | null = null;
  #reloading: Promise<void> | null = null;

  /** How feedback becomes reward, for results and previews alike. */
  get rewards(): RewardSettings {
    return this.options.rewards;
  }

  constructor(private readonly options: ExperimentsRuntimeOptions) {
    this.service = new ExperimentService({
      db: options.db,
      strategies: options.strategies,
      metaPolicyEnabled: options.serving ? options.serving.metaPolicy !== null : (options.metaPolicyEnabled ?? true),
      // The change is committed: a failed reload is retried by the next poll, not reported as the change failing.
      onChange: () => this.reload().catch((error: unknown) => options.log.warn('experiments reload failed', { error: String(error) })),
    });
  }

  /** The running experiments as of the last reload. */
  get assigner(): ExperimentAssigner {
    return this.#assigner;
  }

  /** Re-reads the running experiments; concurrent callers share one read. */
  reload(): Promise<void> {
    this.#reloading ??= (async () => {
      const running = await this.service.running();
      const serving = this.options.serving;
      const policies = new Map<string, ServingPolicy>();
      if (serving) {
        // Pinned versions are loaded before the assignment that needs them takes effect.
        await serving.pinned.keep(
          new Set(running.flatMap((e) => e.spec.variants.flatMap((v) => (v.serving.kind === 'model-version' ? [v.serving.modelVersion] : [])))),
        );
        for (const e of running) {
          for (const v of e.spec.variants) {
            try {
              policies.set(variantId(e.spec.key, v.key), exposed(variantPolicy(v.serving, serving), { key: e.spec.key, variant: v.key, phase: e.phase }));
            } catch (error) {
              this.options.log.warn('experiment variant cannot serve here; its users get the default policy', {
                experiment: e.spec.key,
                variant: v.key,
                error: String(error),
              });
            }
          }
        }
      }
      this.#policies = policies;
      this.#assigner = new ExperimentAssigner(running.map((e) => assignableExperiment(e.spec, e.phase)));
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  /**
   * The serving policy of the user's variant on this surface; null outside every running
   * experiment (the default policy serves, and nothing is logged as an exposure).
   */
  policyFor(userId: string, surface: string): ServingPolicy | null {
    const assignment = this.#assigner.assign(userId, surface);
    return assignment ? (this.#policies.get(variantId(assignment.experiment, assignment.variant)) ?? null) : null;
  }

  async start(): Promise<void> {
    await this.reload();
    const every = this.options.refreshMs ?? 5000;
    if (every > 0 && !this.#timer) {
      this.#timer = setInterval(() => {
        this.reload().catch((error: unknown) =>
          this.options.log.warn('experiments reload failed; assigning from the last ones read', { error: String(error) }),
        );
      }, every);
      this.#timer.unref();
    }
  }

  async results(key: string, options: ResultsOptions & { phase?: number } = {}): Promise<PhaseResults> {
    return experimentResults(this.options.db, await this.service.get(key), this.options.rewards, options);
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#reloading?.catch(() => {});
    this.options.serving?.pinned.close();
  }
}
