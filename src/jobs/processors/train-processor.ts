/**
 * The `train` job: one strategy on the current data. Skips when the data is unchanged since
 * the live version; otherwise measures the held-out metric and trains on everything
 * (`fitTrainJob`), then stores the artifact as a candidate and promotes it only if it beats
 * the live version (`commitTrainJob`). A worker fits in a child process and commits in the
 * process that holds the job's lock, so a worker killed mid-job writes nothing at all; the
 * embedded mode runs both steps in the gateway.
 */
import { dbCatalogReader, dbImpressionReader, dbInteractionReader, describeDatabase, type Database } from '../../db/index.js';
import type { FeedbackType } from '../../interactions/feedback-type.js';
import { rgError } from '../../errors.js';
import type { SignalPolicy } from '../../interactions/signal-policy.js';
import { initTensorflow } from '../../ml/tf-backend.js';
import { sameJsonValue } from '../../models/canonical-json.js';
import { computeDataFingerprint } from '../../models/data-fingerprint.js';
import { evaluateHeldOut } from '../../models/held-out-evaluation.js';
import { describeOutcome, describeTrial } from '../../models/model-search/describe-trial.js';
import { searchStrategyParams } from '../../models/model-search/search-strategy-params.js';
import type { ModelStore } from '../../models/model-store.js';
import { decidePromotion, promotionMetricFor } from '../../models/promotion-rule.js';
import { encodeArtifact } from '../../strategies/artifact-codec.js';
import type { Logger } from '../../strategies/contract.js';
import { arrayCatalogReader, arrayInteractionReader, readAllInteractions } from '../../strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../strategies/params.js';
import { searchSpaceOf } from '../../strategies/search-space.js';
import type { RegisteredStrategy, StrategyRegistry } from '../../strategies/registry.js';
import { trainStrategy } from '../../models/train-strategy.js';
import type { JobPayloads, JobProgress } from '../job-definitions.js';

export interface TrainProcessorDeps {
  readonly db: Database;
  readonly registry: StrategyRegistry;
  readonly store: ModelStore;
  readonly signalPolicy: SignalPolicy;
  /**
   * Reward per feedback type of a logged slate's items (RECGATE_REWARD_WEIGHTS), for the
   * training context's impression reader; absent: strategies see no impression log.
   */
  readonly rewardWeights?: Readonly<Record<FeedbackType, number>>;
  readonly promotionMetrics: Readonly<Record<string, string>>;
  /** Model-search budget for jobs whose payload does not say (RECGATE_TRAIN_SEARCH); null: off. @default null */
  readonly trainSearchSeconds?: number | null;
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
  /** The queue's id of the job, for logs; absent when a job runs outside a queue. */
  readonly jobId?: string;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: JobProgress) => void;
}

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
  let entry: RegisteredStrategy =
    payload.params === undefined
      ? registered
      : Object.freeze({ ...registered, params: Object.freeze(parseStrategyParams(registered.definition, payload.params)) });
  const { definition } = entry;
  const progress = (phase: string, percent: number): void => run.onProgress({ phase, percent: Math.round(Math.min(100, Math.max(0, percent))) });
  const checkAborted = (): void => {
    if (run.signal.aborted) throw rgError('RG_ERR_TRAINING_ABORTED', { name: definition.name });
  };

  // RECGATE_TRAIN_SEARCH applies to the strategies that can be searched; asking a job to search one that cannot is an error.
  const searchSeconds =
    payload.search === undefined
      ? definition.searchSpace
        ? (deps.trainSearchSeconds ?? null)
        : null
      : payload.search === false
        ? null
        : payload.search.budgetSeconds;
  if (searchSeconds !== null) searchSpaceOf(definition);

  progress('fingerprint', 0);
  const [fingerprint, live] = await Promise.all([computeDataFingerprint(deps.db, payload.window), deps.store.getLive(definition.name)]);
  const { backend } = await initTensorflow();
  // A searched job cannot compare params before searching: a live version searched on the same data counts as current.
  const sameParams = searchSeconds === null ? sameJsonValue(live?.params, entry.params) : live?.metrics.searchTrials !== undefined;
  if (!payload.force && live && live.dataFingerprint === fingerprint && live.strategyVersion === definition.version && sameParams) {
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
  if (interactions.length === 0)
    throw rgError('RG_ERR_DATABASE_EMPTY', {
      database: describeDatabase(deps.db.url),
      action: `train ${definition.name} on${payload.window ? " (inside the job's window)" : ''}`,
    });
  const items = await dbCatalogReader(deps.db).items();
  checkAborted();

  let searched: Record<string, number> = {};
  if (searchSeconds !== null) {
    // 5-45 %: the search; then the held-out step and the final fit with the winner's params.
    progress('search', 5);
    const search = await searchStrategyParams(entry, interactions, items, {
      seed: payload.seed,
      budgetMs: searchSeconds * 1000,
      maxTrials: payload.search ? payload.search.maxTrials : undefined,
      signal: run.signal,
      log: deps.log,
      onTrial: (trial, elapsedMs) => progress(`search: ${describeTrial(trial)}`, 5 + 40 * Math.min(1, elapsedMs / (searchSeconds * 1000))),
    });
    progress(`search: ${describeOutcome(search.outcome)}`, 45);
    entry = Object.freeze({ ...entry, params: Object.freeze(search.params) });
    searched = search.metrics;
  }
  // Percent ranges: without search held-out 5-45, training 45-95; with it 45-65 and 65-95.
  const [heldOutFrom, heldOutSpan, trainFrom, trainSpan] = searchSeconds === null ? [5, 40, 45, 50] : [45, 20, 65, 30];

  progress('held-out evaluation', heldOutFrom);
  const heldOut = await evaluateHeldOut(entry, interactions, items, {
    seed: payload.seed,
    signal: run.signal,
    log: deps.log,
    onProgress: (p) => progress('held-out evaluation', heldOutFrom + (p * heldOutSpan) / 100),
  });
  checkAborted();

  progress('training', trainFrom);
  const trained = await trainStrategy(entry, {
    interactions: arrayInteractionReader(interactions),
    catalog: arrayCatalogReader(items),
    ...(deps.rewardWeights ? { impressions: dbImpressionReader(deps.db, deps.rewardWeights) } : {}),
    seed: payload.seed,
    signal: run.signal,
    log: deps.log,
    onProgress: (p) => progress(`training: ${p.phase}`, trainFrom + (p.percent * trainSpan) / 100),
  });
  checkAborted();

  progress('encoding', 95);
  return {
    kind: 'fitted',
    candidate: {
      strategy: definition.name,
      strategyVersion: definition.version,
      artifact: encodeArtifact(trained.artifact, { label: definition.name }),
      metrics: { ...trained.metrics, ...heldOut, ...searched },
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
