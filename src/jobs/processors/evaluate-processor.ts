/**
 * The `evaluate` job: offline evaluation of a strategy with the params of a stored model
 * version (or the live one) under a named protocol. The result is reported, not stored:
 * promotion decisions use the held-out metric measured at training time.
 */
import { dbCatalogReader, dbInteractionReader } from '../../db/index.js';
import { rgError } from '../../errors.js';
import { evaluateStrategies } from '../../evaluation/offline/index.js';
import { initTensorflow } from '../../ml/tf-backend.js';
import { readAllInteractions } from '../../strategies/in-memory-readers.js';
import type { JobPayloads } from '../job-definitions.js';
import type { JobRunOptions, TrainProcessorDeps } from './train-processor.js';

export interface EvaluateJobResult {
  readonly strategy: string;
  readonly versionId: string | null;
  readonly protocol: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly users: number;
  readonly backend: string;
}

export async function processEvaluateJob(
  deps: Pick<TrainProcessorDeps, 'db' | 'registry' | 'store' | 'signalPolicy' | 'log'>,
  payload: JobPayloads['evaluate'],
  run: JobRunOptions,
): Promise<EvaluateJobResult> {
  const entry = deps.registry.get(payload.strategy);
  const version = payload.modelVersionId ? await deps.store.getSummary(payload.modelVersionId) : await deps.store.getLive(payload.strategy);
  if (payload.modelVersionId && !version) throw rgError('RG_ERR_MODEL_VERSION_UNKNOWN', { id: payload.modelVersionId });
  if (version && version.strategy !== payload.strategy) {
    throw rgError('RG_ERR_INVALID_INPUT', { path: 'modelVersionId', reason: `version ${version.id} belongs to ${version.strategy}` });
  }
  const { backend } = await initTensorflow();
  run.onProgress({ phase: 'reading', percent: 0 });
  const interactions = await readAllInteractions(dbInteractionReader(deps.db, deps.signalPolicy));
  const items = await dbCatalogReader(deps.db).items();
  const result = await evaluateStrategies({
    strategies: [{ definition: entry.definition, params: version?.params ?? entry.params }],
    interactions,
    items,
    protocol: payload.protocol,
    seed: payload.seed,
    signal: run.signal,
    log: deps.log,
    onProgress: (p) =>
      run.onProgress({
        phase: p.phase,
        percent: Math.round(p.phase === 'training' ? 5 + p.done * 0.6 : 65 + (35 * p.done) / Math.max(1, p.total)),
      }),
  });
  const evaluated = result.strategies[0]!;
  run.onProgress({ phase: 'done', percent: 100 });
  return {
    strategy: payload.strategy,
    versionId: version?.id ?? null,
    protocol: payload.protocol,
    metrics: { ...evaluated.metrics },
    users: evaluated.users,
    backend,
  };
}
