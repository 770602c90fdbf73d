/**
 * What the processors need, built from the configuration: the database, the registry with
 * its plugins, the model store. Workers' child processes and the embedded runner build it
 * the same way.
 */
import type { Config } from '../config/index.js';
import { openDatabase, type Database } from '../db/index.js';
import { DbModelStore } from '../models/db-model-store.js';
import { createRegistry } from '../strategies/create-registry.js';
import type { StrategyRegistry } from '../strategies/registry.js';
import type { TrainProcessorDeps } from './processors/train-processor.js';

export async function openProcessorDeps(
  config: Config,
  options: { db?: Database; registry?: StrategyRegistry } = {},
): Promise<TrainProcessorDeps & { close(): Promise<void> }> {
  const db = options.db ?? (await openDatabase(config.databaseUrl));
  const registry = options.registry ?? (await createRegistry(config));
  return {
    db,
    registry,
    store: new DbModelStore(db),
    signalPolicy: config.signalPolicy,
    rewardWeights: config.metaPolicy.rewardWeights,
    promotionMetrics: config.promotionMetrics,
    trainSearchSeconds: config.trainSearchSeconds,
    async close() {
      if (!options.db) await db.close();
    },
  };
}
