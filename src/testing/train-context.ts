/**
 * A `TrainContext` over in-memory data with a fixed clock, for tests and benchmarks: the same
 * inputs and seed must give the same artifact, so nothing here reads the wall clock.
 */
import type { CatalogItem, InteractionRecord, Logger, TrainContext, TrainProgress } from '../strategies/contract.js';
import { arrayCatalogReader, arrayInteractionReader } from '../strategies/in-memory-readers.js';

export interface InMemoryTrainContextOptions<P> {
  readonly params: P;
  readonly interactions: readonly InteractionRecord[];
  readonly items: readonly CatalogItem[];
  /** The clock's fixed time, ms epoch. */
  readonly now: number;
  /** @default 42 */
  readonly seed?: number;
  /** @default a signal that never aborts */
  readonly signal?: AbortSignal;
  /** Called for every progress report, after it is recorded. */
  readonly onProgress?: (update: TrainProgress) => void;
  /** @default a logger that keeps messages in `context.messages` */
  readonly log?: Logger;
}

export interface InMemoryTrainContext<P> extends TrainContext<P> {
  /** Every progress report so far, in order. */
  readonly reports: readonly TrainProgress[];
  /** Messages logged through the default logger. */
  readonly messages: readonly { readonly level: 'info' | 'warn'; readonly message: string }[];
}

export function createInMemoryTrainContext<P>(options: InMemoryTrainContextOptions<P>): InMemoryTrainContext<P> {
  const reports: TrainProgress[] = [];
  const messages: { level: 'info' | 'warn'; message: string }[] = [];
  return {
    params: options.params,
    seed: options.seed ?? 42,
    signal: options.signal ?? new AbortController().signal,
    interactions: arrayInteractionReader(options.interactions),
    catalog: arrayCatalogReader(options.items),
    clock: { now: () => options.now },
    log: options.log ?? {
      info: (message) => messages.push({ level: 'info', message }),
      warn: (message) => messages.push({ level: 'warn', message }),
    },
    progress(update) {
      reports.push(update);
      options.onProgress?.(update);
    },
    reports,
    messages,
  };
}
