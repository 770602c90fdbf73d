/**
 * The `train` job: one strategy on the current data. Skips when the data is unchanged since
 * the live version; otherwise measures the held-out metric and trains on everything
 * (`fitTrainJob`), then stores the artifact as a candidate and promotes it only if it beats
 * the live version (`commitTrainJob`). A worker fits in a child process and commits in the
 * process that holds the job's lock, so a worker killed mid-job writes nothing at all; the
 * embedded mode runs both steps in the gateway.
 */
import { dbCatalogReader, dbInteractionReader, describeDatabase, type Database } from '../../db/index.js';
import { rgError } from '../../errors.js';
import type { SignalPolicy } from '../../interactions/signal-policy.js';
import { initTensorflow } from '../../ml/tf-backend.js';
import { computeDataFingerprint } from '../../models/data-fingerprint.js';
import { evaluateHeldOut } from '../../models/held-out-evaluation.js';
import type { ModelStore } from '../../models/model-store.js';
import { decidePromotion, promotionMetricFor } from '../../models/promotion-rule.js';
import { encodeArtifact } from '../../strategies/artifact-codec.js';
import type { Logger } from '../../strategies/contract.js';
import { arrayCatalogReader, arrayInteractionReader, readAllInteractions } from '../../strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../strategies/params.js';
import type { RegisteredStrategy, StrategyRegistry } from '../../strategies/registry.js';
import { trainStrategy } from '../train-strategy.js';
import type { JobPayloads, JobProgress } from '../job-definitions.js';

export interface TrainProcessorDeps {
  readonly db: Database;
  readonly registry: StrategyRegistry;
  readonly store: ModelStore;
  readonly signalPolicy: SignalPolicy;
  readonly promotionMetrics: Readonly<Record<string, string>>;
  /** Told of every promotion (Redis pub/sub, or the local reloader). */
  readonly onPromoted?: (strategy: string, versionId: string) => Promise<void> | void;
  readonly log?: Logger;
}

export interface TrainJobResult {
  readonly outcome: 'promoted' | 'candidate' | 'skipped';
  readonly strategy: string;
  /** The stored version (the live one when skipped). */
  readonly versionId: string | null;
  readonly reason: string;
  readonly metrics: Readonly<Record<string, number>>;
  /** TensorFlow.js backend of the process that trained. */
  readonly backend: string;
  readonly durationMs: number;
}

export interface JobRunOptions {
  readonly signal: AbortSignal;
  readonly onProgress: (progress: JobProgress) => void;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A finished fit, not yet stored. Crosses the worker's IPC channel (structured clone). */
export interface FittedCandidate {
  readonly strategy: string;
  readonly strategyVersion: string;
  readonly artifact: Uint8Array;
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: unknown;
  readonly dataFingerprint: string;
  readonly backend: string;
  readonly trainedAt: Date;
  /** When the job started (ms epoch), for the recorded duration. */
  readonly startedAt: number;
}

export type FitOutcome = { readonly kind: 'skipped'; readonly result: TrainJobResult } | { readonly kind: 'fitted'; readonly candidate: FittedCandidate };

export async function processTrainJob(deps: TrainProcessorDeps, payload: JobPayloads['train'], run: JobRunOptions): Promise<TrainJobResult> {
  const fit = await fitTrainJob(deps, payload, run);
  return fit.kind === 'skipped' ? fit.result : commitTrainJob(deps, fit.candidate, run);
}

/** Everything up to a finished artifact; writes nothing. */
export async function fitTrainJob(
  deps: Omit<TrainProcessorDeps, 'onPromoted' | 'promotionMetrics'>,
  payload: JobPayloads['train'],
  run: JobRunOptions,
): Promise<FitOutcome> {
  const started = Date.now();
  const registered = deps.registry.get(payload.strategy);
  const entry: RegisteredStrategy =
    payload.params === undefined
      ? registered
      : Object.freeze({ ...registered, params: Object.freeze(parseStrategyParams(registered.definition, payload.params)) });
  const { definition } = entry;
  const progress = (phase: string, percent: number): void => run.onProgress({ phase, percent: Math.round(Math.min(100, Math.max(0, percent))) });
  const checkAborted = (): void => {
    if (run.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: definition.name });
  };

  progress('fingerprint', 0);
  const [fingerprint, live] = await Promise.all([computeDataFingerprint(deps.db, payload.window), deps.store.getLive(definition.name)]);
  const { backend } = await initTensorflow();
  if (
    !payload.force &&
    live &&
    live.dataFingerprint === fingerprint &&
    live.strategyVersion === definition.version &&
    sameJson(live.params, entry.params)
  ) {
    progress('skipped', 100);
    return {
      kind: 'skipped',
      result: {
        outcome: 'skipped',
        strategy: definition.name,
        versionId: live.id,
        reason: `data unchanged since live version ${live.id}`,
        metrics: live.metrics,
        backend,
        durationMs: Date.now() - started,
      },
    };
  }

  progress('reading', 2);
  const interactions = await readAllInteractions(dbInteractionReader(deps.db, deps.signalPolicy), payload.window ?? {});
  // A model trained on nothing would still be stored, and promoted over no live version.
  if (interactions.length === 0) throw rgError('RG_ERR_DATABASE_EMPTY', { database: describeDatabase(deps.db.url), action: `train ${definition.name} on${payload.window ? ' (inside the job\'s window)' : ''}` });
  const items = await dbCatalogReader(deps.db).items();
  checkAborted();

  progress('held-out evaluation', 5);
  const heldOut = await evaluateHeldOut(entry, interactions, items, {
    seed: payload.seed,
    signal: run.signal,
    log: deps.log,
    onProgress: (p) => progress('held-out evaluation', 5 + p * 0.4),
  });
  checkAborted();

  progress('training', 45);
  const trained = await trainStrategy(entry, {
    interactions: arrayInteractionReader(interactions),
    catalog: arrayCatalogReader(items),
    seed: payload.seed,
    signal: run.signal,
    log: deps.log,
    onProgress: (p) => progress(`training: ${p.phase}`, 45 + p.percent * 0.5),
  });
  checkAborted();

  progress('encoding', 95);
  return {
    kind: 'fitted',
    candidate: {
      strategy: definition.name,
      strategyVersion: definition.version,
      artifact: encodeArtifact(trained.artifact, { label: definition.name }),
      metrics: { ...trained.metrics, ...heldOut },
      params: entry.params,
      dataFingerprint: fingerprint,
      backend,
      trainedAt: trained.trainedAt,
      startedAt: started,
    },
  };
}

/** Stores a fitted artifact as a candidate (one atomic write) and promotes it if it wins. */
export async function commitTrainJob(deps: TrainProcessorDeps, fitted: FittedCandidate, run: JobRunOptions): Promise<TrainJobResult> {
  if (run.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: fitted.strategy });
  run.onProgress({ phase: 'storing', percent: 96 });
  const { startedAt, ...version } = fitted;
  const candidate = await deps.store.saveCandidate({ ...version, durationMs: Date.now() - startedAt });
  const strategy = fitted.strategy;
  // Compare with the live version as it is now: another worker may have promoted meanwhile.
  const current = await deps.store.getLive(strategy);
  const decision = decidePromotion(candidate, current, promotionMetricFor(strategy, deps.promotionMetrics));
  if (decision.promote) {
    await deps.store.promote(candidate.id);
    await deps.onPromoted?.(strategy, candidate.id);
  }
  run.onProgress({ phase: decision.promote ? 'promoted' : 'kept as candidate', percent: 100 });
  return {
    outcome: decision.promote ? 'promoted' : 'candidate',
    strategy,
    versionId: candidate.id,
    reason: decision.reason,
    metrics: fitted.metrics,
    backend: fitted.backend,
    durationMs: Date.now() - startedAt,
  };
}
