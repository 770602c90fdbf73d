/**
 * The training processor: one strategy, fitted on the interactions and catalogue it is
 * given. The embedded mode runs it in-process; queue workers run the same function.
 */
import type { CatalogReader, ImpressionReader, InteractionReader, Logger, TrainProgress, TrainResult } from '../strategies/contract.js';
import type { RegisteredStrategy } from '../strategies/registry.js';

export interface TrainStrategyInput {
  readonly interactions: InteractionReader;
  readonly catalog: CatalogReader;
  /** The impression log, when the host keeps one. @default none */
  readonly impressions?: ImpressionReader;
  /** @default 42 */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainProgress) => void;
  readonly log?: Logger;
}

export interface TrainedModel extends TrainResult {
  readonly strategy: string;
  readonly strategyVersion: string;
  /** Identifies this model in impressions and the API. */
  readonly version: string;
  readonly trainedAt: Date;
  readonly durationMs: number;
}

const silentLog: Logger = { info: () => {}, warn: () => {} };

export async function trainStrategy(entry: RegisteredStrategy, input: TrainStrategyInput): Promise<TrainedModel> {
  const { definition } = entry;
  const started = Date.now();
  const result = await definition.train({
    params: entry.params,
    seed: input.seed ?? 42,
    signal: input.signal ?? new AbortController().signal,
    interactions: input.interactions,
    catalog: input.catalog,
    ...(input.impressions ? { impressions: input.impressions } : {}),
    clock: { now: () => Date.now() },
    log: input.log ?? silentLog,
    progress: input.onProgress ?? (() => {}),
  });
  const trainedAt = new Date();
  return {
    ...result,
    strategy: definition.name,
    strategyVersion: definition.version,
    version: `${definition.name}@${trainedAt.toISOString()}`,
    trainedAt,
    durationMs: Date.now() - started,
  };
}
