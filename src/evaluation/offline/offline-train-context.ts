/** The training context offline evaluation hands a strategy: the split's train rows in memory, the split's clock. */
import type { CatalogItem, InteractionRecord, Logger, TrainContext } from '../../strategies/contract.js';
import { arrayCatalogReader, arrayInteractionReader } from '../../strategies/in-memory-readers.js';

export interface OfflineTrainInput<P> {
  readonly params: P;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly train: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
  /** The evaluation clock (the newest train interaction). */
  readonly now: number;
  readonly log: Logger;
  /** Training progress in percent. */
  readonly onPercent: (percent: number) => void;
}

export function offlineTrainContext<P>(input: OfflineTrainInput<P>): TrainContext<P> {
  return {
    params: input.params,
    seed: input.seed,
    signal: input.signal,
    interactions: arrayInteractionReader(input.train),
    catalog: arrayCatalogReader(input.items),
    clock: { now: () => input.now },
    log: input.log,
    progress: (update) => input.onPercent(update.percent),
  };
}
