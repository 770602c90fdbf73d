/**
 * The request path: user state -> the meta-policy's arm (src/policy/; or, with it off, the
 * serving strategy) -> strategy.recommend (time budget, then the next arm or the popularity
 * fallback) -> business filters -> impression logged with features and propensity -> slate.
 */
import { randomUUID } from 'node:crypto';
import type { CatalogItem, Logger, RecommendRequest, ScoredItem } from '../strategies/contract.js';
import type { CatalogCache } from '../catalog/catalog-cache.js';
import { parseInput } from './validation.js';
import { recommendationsInput } from './input-schemas.js';
import type { ImpressionLog } from './impression-log.js';
import type { LiveModel, LiveModels } from './live-models.js';
import { withTimeBudget } from './time-budget.js';
import type { UserStateLoader } from './user-state-loader.js';
import type { MetaPolicy } from '../policy/meta-policy.js';
import type { ContextFeatures } from '../policy/context-features.js';
import { META_POLICY_VARIANT } from '../policy/reward-attribution.js';

/** The strategy that answers when the chosen one has no model, fails or is too slow. */
export const FALLBACK_STRATEGY = 'popularity';

export interface SlateItem {
  readonly item: CatalogItem;
  readonly score: number;
  /** 1-based position in the slate. */
  readonly position: number;
  readonly explanation: string;
}

export interface Slate {
  readonly impressionId: string;
  readonly userId: string;
  readonly surface: string;
  /** The strategy that produced the slate (after any fallback). */
  readonly strategy: string;
  readonly modelVersion: string | null;
  /** Probability with which the serving policy chose `strategy` for this request. */
  readonly propensity: number;
  readonly items: readonly SlateItem[];
}

export interface RecommendServiceOptions {
  /** The strategy serving asks first. @default "popularity" */
  readonly servingStrategy: string;
  /** Time budget of one strategy call, ms. */
  readonly strategyTimeoutMs: number;
}

export class RecommendService {
  constructor(
    private readonly deps: {
      readonly catalog: CatalogCache;
      readonly users: UserStateLoader;
      readonly models: LiveModels;
      readonly impressions: ImpressionLog;
      readonly log: Logger;
      /** Chooses the strategy per request; null or absent: `servingStrategy` serves. */
      readonly policy?: MetaPolicy | null;
    },
    private readonly options: RecommendServiceOptions,
  ) {}

  async recommend(rawInput: unknown): Promise<Slate> {
    const input = parseInput(recommendationsInput, rawInput);
    const catalog = this.deps.catalog.view;
    const user = await this.deps.users.load(input.userId);
    const exclude = new Set(input.exclude);
    if (!input.includeSeen) for (const id of user.seen) exclude.add(id);
    const request: RecommendRequest = {
      user: user.state,
      k: input.limit,
      exclude,
      filter: input.filter,
      context: input.context,
      surface: input.surface,
      catalog,
      now: Date.now(),
    };

    const impressionId = randomUUID();
    const policy = this.deps.policy ?? null;
    const features = policy
      ? policy.features({
          interactionCount: user.interactionCount,
          lastInteractionAt: user.lastInteractionAt,
          known: user.state.known,
          surface: input.surface,
          context: input.context,
          now: request.now,
        })
      : null;
    const served = policy && features ? await this.#servePolicy(policy, impressionId, features, request) : { ...(await this.#serve(request)), propensity: 1, chosen: false };
    const { live, items } = served;
    const slateItems = this.#businessFilter(items, request);
    const slate: Slate = {
      impressionId,
      userId: input.userId,
      surface: input.surface,
      strategy: live?.strategy ?? FALLBACK_STRATEGY,
      modelVersion: live?.version ?? null,
      propensity: served.propensity,
      items: slateItems,
    };
    this.deps.impressions.append({
      id: impressionId,
      userExternalId: input.userId,
      surface: input.surface,
      strategy: slate.strategy,
      modelVersion: slate.modelVersion,
      items: slateItems.map((s) => ({ itemId: s.item.id, score: s.score, position: s.position })),
      propensity: slate.propensity,
      context: input.context,
      features,
      // Only slates the policy actually chose teach it (not the empty-handed fallback).
      variant: served.chosen ? META_POLICY_VARIANT : null,
      createdAt: new Date(request.now),
    });
    return slate;
  }

  /**
   * The meta-policy draws an arm among the strategies with a loaded model; an arm that throws
   * or blows its time budget (counted by its circuit breaker), or has nothing for this user,
   * is replaced by the next draw from the remaining distribution. The propensity is the one
   * that applied (see PolicyDecision).
   */
  async #servePolicy(
    policy: MetaPolicy,
    impressionId: string,
    features: ContextFeatures,
    request: RecommendRequest,
  ): Promise<{ live: LiveModel | undefined; items: ScoredItem[]; propensity: number; chosen: boolean }> {
    const candidates = this.deps.models.list().map((m) => m.strategy);
    const decision = policy.decide(impressionId, features, candidates);
    for (let choice = decision.next(); choice; choice = decision.next()) {
      const live = this.deps.models.get(choice.arm);
      if (!live) continue;
      let items: ScoredItem[];
      try {
        items = [...(await withTimeBudget(() => live.entry.definition.recommend(live.model, request), this.options.strategyTimeoutMs))];
      } catch (error) {
        policy.breaker.failure(choice.arm, String(error));
        this.deps.log.warn('strategy failed; the next arm serves', { strategy: choice.arm, error: String(error) });
        continue;
      }
      policy.breaker.success(choice.arm);
      if (items.length === 0) {
        // Nothing to say in this context is worth nothing here: teach the arm so, or it would
        // keep its exploration bonus (and its probability) for contexts it can never serve.
        policy.reward(choice.arm, features, 0, true).catch((error: unknown) => this.deps.log.warn('meta-policy update failed', { error: String(error) }));
        continue;
      }
      if (items.length < request.k) {
        await this.#topUp(items, request).catch((error: unknown) => this.deps.log.warn('top-up failed', { error: String(error) }));
      }
      return { live, items, propensity: choice.propensity, chosen: true };
    }
    return { live: this.deps.models.get(FALLBACK_STRATEGY), items: [], propensity: 1, chosen: false };
  }

  /** Asks the serving strategy, then the fallback; tops a short slate up from the fallback. */
  async #serve(request: RecommendRequest): Promise<{ live: LiveModel | undefined; items: ScoredItem[] }> {
    const chain = [this.options.servingStrategy, FALLBACK_STRATEGY].filter((s, i, all) => all.indexOf(s) === i);
    for (const name of chain) {
      const live = this.deps.models.get(name);
      if (!live) continue;
      try {
        const items = [...(await withTimeBudget(() => live.entry.definition.recommend(live.model, request), this.options.strategyTimeoutMs))];
        if (name === FALLBACK_STRATEGY) return { live, items };
        // Nothing to say for this user (e.g. no history yet): the next in the chain serves.
        if (items.length === 0) continue;
        if (items.length < request.k) await this.#topUp(items, request);
        return { live, items };
      } catch (error) {
        this.deps.log.warn('strategy failed; falling back', { strategy: name, error: String(error) });
      }
    }
    return { live: undefined, items: [] };
  }

  async #topUp(items: ScoredItem[], request: RecommendRequest): Promise<void> {
    const fallback = this.deps.models.get(FALLBACK_STRATEGY);
    if (!fallback) return;
    const taken = new Set([...request.exclude, ...items.map((i) => i.itemId)]);
    const extra = await fallback.entry.definition.recommend(fallback.model, { ...request, exclude: taken, k: request.k - items.length });
    // Below every score of the primary strategy, so positions stay meaningful.
    const floor = items.length > 0 ? Math.min(...items.map((i) => i.score)) : 0;
    extra.forEach((e, i) => items.push({ ...e, score: floor - 1 - i }));
  }

  /** The host's own guarantee, whatever a strategy returned: no excluded, filtered-out, duplicate or unknown items; at most k. */
  #businessFilter(items: readonly ScoredItem[], request: RecommendRequest): SlateItem[] {
    const out: SlateItem[] = [];
    const used = new Set<string>();
    for (const s of items) {
      if (out.length >= request.k) break;
      if (used.has(s.itemId) || request.exclude.has(s.itemId) || !request.catalog.matches(s.itemId, request.filter)) continue;
      if (!Number.isFinite(s.score)) continue;
      used.add(s.itemId);
      out.push({ item: request.catalog.get(s.itemId)!, score: s.score, position: out.length + 1, explanation: s.explanation });
    }
    return out;
  }
}
