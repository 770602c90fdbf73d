/**
 * Training: (1) the item tower, with the two-tower modules, gives every item a representation;
 * (2) users' timelines (interactions and logged slates) become tasks; (3) the outer loop
 * meta-trains the encoder, the heads and the policy head's initial values (meta-training.ts).
 */
import { createRandom } from '../../../ml/random.js';
import type { TrainContext, TrainResult } from '../../contract.js';
import { readAllImpressions } from '../../in-memory-impression-reader.js';
import { readAllInteractions } from '../../in-memory-readers.js';
import { META_RL_ARTIFACT_FORMAT, metaRlArtifact } from './artifact.js';
import { itemVectorsFor, trainItemTower } from './item-representations.js';
import { META_RL_NAME, metaTrain } from './meta-training.js';
import { NegativeSampler, samplingWeights } from './negative-sampler.js';
import type { MetaRlParams } from './params.js';
import { initialPolicy, type PolicyShapes } from './policy-weights.js';
import { buildTimelines } from './timelines.js';
import { decayedCountsAt } from './trend-counts.js';
import { TREND_HALF_LIVES_HOURS, TrendHistory, type TrendEvent } from './trend-features.js';

export async function trainMetaRl(ctx: TrainContext<MetaRlParams>): Promise<TrainResult> {
  const { params } = ctx;
  const started = performance.now();
  ctx.progress({ phase: 'reading', percent: 0 });
  const interactions = await readAllInteractions(ctx.interactions);
  const impressions = params.useImpressions ? await readAllImpressions(ctx.impressions) : [];
  const catalog = await ctx.catalog.items();

  const towerArtifact = await trainItemTower(ctx, 2, 40);
  const towerSeconds = (performance.now() - started) / 1000;

  // Item rows: every item interactions or slates name, then the rest of the catalogue.
  const rowOf = new Map<string, number>();
  const itemIds: string[] = [];
  const addItem = (id: string): void => {
    if (!rowOf.has(id)) {
      rowOf.set(id, itemIds.length);
      itemIds.push(id);
    }
  };
  for (const r of interactions) addItem(r.itemId);
  for (const impression of impressions) for (const shown of impression.items) addItem(shown.itemId);
  for (const item of catalog) addItem(item.id);
  const vectors = await itemVectorsFor(towerArtifact, params, itemIds, catalog, ctx.log);
  const items = { dim: params.dim, vectors };

  const counts = new Float32Array(itemIds.length);
  for (const r of interactions) if (r.weight > 0) counts[rowOf.get(r.itemId)!]! += 1;
  let total = 0;
  for (const c of counts) total += c;
  // Initial item biases: log of the smoothed popularity (an untrained policy ranks by popularity).
  const logPopularity = Float32Array.from(counts, (c) => Math.log((c + 0.1) / (total + 0.1 * counts.length)));
  const shapes: PolicyShapes = { dim: params.dim, stateUnits: params.stateUnits, items: itemIds.length, taste: params.taste };
  const random = createRandom(ctx.seed ^ 0x5eed);
  const weights = initialPolicy(shapes, random, logPopularity);
  const timelines = buildTimelines(interactions, impressions, rowOf, params.gamma);
  // The trend features' events: positive interactions in time order (the reader's order is not promised).
  const events: TrendEvent[] = interactions.filter((r) => r.weight > 0).map((r) => ({ row: rowOf.get(r.itemId)!, at: r.occurredAt }));
  events.sort((a, b) => a.at - b.at);
  const trendAnchor = events.length > 0 ? events[events.length - 1]!.at : 0;
  const sampling = samplingWeights(counts);
  if (interactions.length === 0) ctx.log.warn(`${META_RL_NAME}: no interaction to learn from; the policy ranks by the item tower alone`);

  ctx.progress({ phase: 'meta-training', percent: 40 });
  const result = await metaTrain({
    weights,
    shapes,
    items,
    params,
    timelines,
    sampler: new NegativeSampler(sampling),
    trend: new TrendHistory(itemIds.length, events),
    random,
    signal: ctx.signal,
    onProgress: (fraction) => ctx.progress({ phase: 'meta-training', percent: 40 + 58 * fraction }),
  });
  if (result.epochs < params.epochs || result.perEpochActions > params.maxActions) {
    ctx.log.info(
      `${META_RL_NAME}: ${result.perEpochActions} logged actions per pass; maxActions ${params.maxActions} allowed ${result.epochs} of ${params.epochs} passes`,
      {
        epochs: result.epochs,
        perEpochActions: result.perEpochActions,
      },
    );
  }
  ctx.progress({ phase: 'done', percent: 100 });
  const artifact = metaRlArtifact(
    {
      format: META_RL_ARTIFACT_FORMAT,
      shapes,
      historyLength: params.historyLength,
      itemIds,
      trendAnchor,
      training: { seed: ctx.seed, epochs: result.epochs, actions: result.actions, slateActions: result.slateActions, metaLearning: params.metaLearning },
    },
    weights,
    { sampling, trendCounts: decayedCountsAt(itemIds.length, events, trendAnchor) },
    towerArtifact,
  );
  return {
    artifact,
    metrics: {
      users: timelines.length,
      items: itemIds.length,
      interactions: interactions.length,
      impressions: impressions.length,
      actions: result.actions,
      slateActions: result.slateActions,
      tasks: result.tasks,
      epochsRun: result.epochs,
      actionsPerEpoch: result.perEpochActions,
      loss: result.loss,
      policySeconds: result.seconds,
      towerSeconds,
      actionsPerSecond: result.seconds > 0 ? result.actions / result.seconds : 0,
      // In-sample effect of the inner loop (last epoch): query cross-entropy before and after adapting.
      ...(result.adaptation
        ? {
            unadaptedQueryLoss: result.adaptation.unadaptedLoss,
            adaptedQueryLoss: result.adaptation.adaptedLoss,
            adaptedQueryActions: result.adaptation.actions,
          }
        : {}),
      durationMs: performance.now() - started,
      // θ_h per half-life: how much the learned policy follows recent popularity.
      ...Object.fromEntries(TREND_HALF_LIVES_HOURS.map((h, f) => [`trendWeight${h}h`, weights.trend[f]!])),
    },
  };
}
