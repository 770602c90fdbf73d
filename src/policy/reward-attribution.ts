/**
 * Turns feedback into bandit rewards. A slate's reward is the sum of the weights of the
 * feedback that names its impression inside the attribution window; the first such feedback
 * counts the impression as a pull (within seconds of arriving), later ones add their weight.
 * A periodic sweep gives every impression still unrewarded after the window the default
 * reward. `Impression.reward IS NULL` is the claim: a conditional update decides which of
 * feedback and sweep (on any gateway) counts the pull, so each impression counts once.
 */
import type { Database } from '../db/index.js';
import { addImpressionRewards } from '../db/impression-rewards.js';
import type { FeedbackType } from '../interactions/feedback-type.js';
import type { Logger } from '../strategies/contract.js';
import type { ContextFeatures } from './context-features.js';
import type { MetaPolicy } from './meta-policy.js';

/** Impressions the meta-policy chose; only these teach it. */
export const META_POLICY_VARIANT = 'meta-policy';

export interface AttributableFeedback {
  readonly impressionId: string | null;
  readonly type: FeedbackType;
  readonly occurredAt: Date;
}

const SWEEP_BATCH = 500;

function featuresOf(value: unknown): ContextFeatures | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export class RewardAttribution {
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<number> | null = null;

  constructor(private readonly deps: { readonly db: Database; readonly policy: MetaPolicy; readonly log: Logger; readonly now?: () => number }) {}

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Rewards the impressions this stored feedback names; returns how many rewards counted. */
  async onFeedback(feedback: readonly AttributableFeedback[]): Promise<number> {
    const { db, policy } = this.deps;
    const window = policy.config.rewardWindowMs;
    const now = this.#now();
    // One read for the batch's impressions, one transaction for their rewards.
    const ids = [...new Set(feedback.map((f) => f.impressionId).filter((id): id is string => !!id))];
    if (ids.length === 0) return 0;
    const impressions = await db.prisma.impression.findMany({
      where: { id: { in: ids }, variant: META_POLICY_VARIANT },
      select: { id: true, strategy: true, features: true, createdAt: true },
    });
    const byId = new Map(impressions.map((i) => [i.id, i]));
    const counting: Array<{ impression: (typeof impressions)[number]; features: ContextFeatures; weight: number }> = [];
    const totals = new Map<string, number>();
    for (const f of feedback) {
      const impression = f.impressionId ? byId.get(f.impressionId) : undefined;
      if (!impression) continue;
      const features = featuresOf(impression.features);
      if (!features) continue;
      const created = impression.createdAt.getTime();
      // Outside the window, or arriving after it closed (the sweep may have finalised it). An
      // occurredAt slightly before the impression is client clock skew, not a reason to drop it.
      if (f.occurredAt.getTime() - created > window || now - created > window) continue;
      const weight = policy.config.rewardWeights[f.type];
      counting.push({ impression, features, weight });
      totals.set(impression.id, (totals.get(impression.id) ?? 0) + weight);
    }
    const claimed = await addImpressionRewards(
      db,
      [...totals].map(([impressionId, reward]) => ({ impressionId, reward })),
      new Date(now),
    );
    // The first feedback of a claimed impression counts its pull; every other one adds its weight.
    for (const { impression, features, weight } of counting) {
      const pull = claimed.delete(impression.id);
      if (pull || weight !== 0) await policy.reward(impression.strategy, features, weight, pull);
    }
    return counting.length;
  }

  /** Finalises impressions whose window closed without feedback; returns how many. */
  async sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = null;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<number> {
    const { db, policy } = this.deps;
    const cutoff = new Date(this.#now() - policy.config.rewardWindowMs);
    const reward = policy.config.defaultReward;
    let finalised = 0;
    for (;;) {
      const expired = await db.prisma.impression.findMany({
        where: { variant: META_POLICY_VARIANT, reward: null, createdAt: { lt: cutoff } },
        select: { id: true, strategy: true, features: true },
        orderBy: { createdAt: 'asc' },
        take: SWEEP_BATCH,
      });
      // One conditional statement claims the whole batch: a row feedback (or another
      // gateway's sweep) claimed in between is not returned, so each impression still counts
      // once, and a backlog costs one write per batch instead of one per slate (a long queue of
      // single-row writes held SQLite's one writer against feedback).
      const claimed = await db.prisma.impression.updateManyAndReturn({
        where: { id: { in: expired.map((i) => i.id) }, reward: null },
        data: { reward, rewardedAt: new Date(this.#now()) },
        select: { id: true },
      });
      const won = new Set(claimed.map((c) => c.id));
      for (const impression of expired) {
        if (!won.has(impression.id)) continue;
        const features = featuresOf(impression.features);
        if (features) await policy.reward(impression.strategy, features, reward, true);
        finalised++;
      }
      if (expired.length < SWEEP_BATCH) return finalised;
    }
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.deps.log.warn('reward sweep failed; will retry', { error: String(error) }));
    }, this.deps.policy.config.sweepSeconds * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#sweeping;
  }
}
