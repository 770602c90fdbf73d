/**
 * A gateway's experiments: the lifecycle service, and the running experiments the request
 * path assigns from, reloaded after every change made here and polled so changes made on
 * another gateway (or the CLI) apply within `refreshMs`.
 */
import type { Database } from '../db/index.js';
import type { Logger } from '../strategies/contract.js';
import { assignableExperiment, ExperimentAssigner, NO_EXPERIMENTS } from './assignment.js';
import { experimentResults, type PhaseResults, type RewardSettings } from './experiment-results.js';
import { ExperimentService, type StrategyNames } from './experiment-service.js';
import type { ResultsOptions } from './results.js';

export interface ExperimentsRuntimeOptions {
  readonly db: Database;
  readonly strategies: StrategyNames;
  readonly rewards: RewardSettings;
  readonly log: Logger;
  /** How often running experiments are re-read from the database, ms; 0 = never. @default 5000 */
  readonly refreshMs?: number;
}

export class ExperimentsRuntime {
  readonly service: ExperimentService;
  #assigner: ExperimentAssigner = NO_EXPERIMENTS;
  #timer: NodeJS.Timeout | null = null;
  #reloading: Promise<void> | null = null;

  constructor(private readonly options: ExperimentsRuntimeOptions) {
    this.service = new ExperimentService({
      db: options.db,
      strategies: options.strategies,
      onChange: () => void this.reload().catch((error: unknown) => options.log.warn('experiments reload failed', { error: String(error) })),
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
      this.#assigner = new ExperimentAssigner(running.map((e) => assignableExperiment(e.spec, e.phase)));
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  async start(): Promise<void> {
    await this.reload();
    const every = this.options.refreshMs ?? 5000;
    if (every > 0 && !this.#timer) {
      this.#timer = setInterval(() => {
        this.reload().catch((error: unknown) => this.options.log.warn('experiments reload failed; assigning from the last ones read', { error: String(error) }));
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
  }
}
