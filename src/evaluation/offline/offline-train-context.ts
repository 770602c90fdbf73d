/** The training context offline evaluation hands a strategy: the split's train rows in memory, the split's clock. */
import type { CatalogItem, InteractionRecord, Logger, TrainContext } from '../../strategies/contract.js';
import { arrayCatalogReader, arrayInteractionReader } from '../../strategies/in-memory-readers.js';

/** What every offline split provides to training (EvaluationSplit and ColdStartSplit alike). */
export interface TrainingSplit {
  readonly seed: number;
  readonly train: readonly InteractionRecord[];
  /** The evaluation clock (the newest train interaction). */
  readonly now: number;
}

export interface OfflineTrainRun {
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The label progress is reported under. */
  readonly label: string;
  readonly report: (progress: { strategy: string; phase: 'training'; done: number; total: number }) => void;
}

export function offlineTrainContext<P>(params: P, split: TrainingSplit, items: readonly CatalogItem[], run: OfflineTrainRun): TrainContext<P> {
  return {
    params,
    seed: split.seed,
    signal: run.signal,
    interactions: arrayInteractionReader(split.train),
    catalog: arrayCatalogReader(items),
    clock: { now: () => split.now },
    log: run.log,
    progress: (update) => run.report({ strategy: run.label, phase: 'training', done: update.percent, total: 100 }),
  };
}
