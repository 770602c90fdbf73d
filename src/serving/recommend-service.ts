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
import { NO_ADAPTATIONS, type AdaptedStateStore } from '../adaptation/adapted-state-store.js';
import type { StoredAdaptation } from '../adaptation/stored-adaptation.js';

/** The strategy that answers when the chosen one has no model, fails or is too slow. */
export const FALLBACK_STRATEGY = 'popularity';

export interface SlateItem {
  readonly item: CatalogItem;
  readonly score: number;
  /** 1-based position in the slate. */
  readonly position: number;
  readonly explanation: string;
}

/** The per-user adaptation a slate was served with. */
export interface SlateAdaptation {
  readonly adaptedAt: Date;
  /** The newest interaction the adaptation saw; feedback after it is in the history only. */
  readonly historyThrough: Date | null;
  readonly interactions: number;
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
  /** The serving strategy's adaptation to this user; null when it has none for this model version. */
  readonly adaptation: SlateAdaptation | null;
}

interface Served {
  readonly live: LiveModel | undefined;
  readonly items: ScoredItem[];
  readonly adaptation: StoredAdaptation | null;
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
      /** Per-user adaptations made by adapt jobs; absent: strategies serve from history alone. */
      readonly adaptations?: AdaptedStateStore | null;
    },
    private readonly options: RecommendServiceOptions,
  ) {}

  async recommend(rawInput: unknown): Promise<Slate> {
    const input = parseInput(recommendationsInput, rawInput);
    const catalog = this.deps.catalog.view;
    const [user, adaptations] = await Promise.all([this.deps.users.load(input.userId), this.#adaptationsOf(input.userId)]);
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
    const served =
      policy && features
        ? await this.#servePolicy(policy, impressionId, features, request, adaptations)
        : { ...(await this.#serve(request, adaptations)), propensity: 1, chosen: false };
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
      adaptation: served.adaptation
        ? {
            adaptedAt: new Date(served.adaptation.adaptedAt),
            historyThrough: served.adaptation.historyThrough === null ? null : new Date(served.adaptation.historyThrough),
            interactions: served.adaptation.interactions,
          }
        : null,
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
    adaptations: ReadonlyMap<string, StoredAdaptation>,
  ): Promise<Served & { propensity: number; chosen: boolean }> {
    const candidates = this.deps.models.list().map((m) => m.strategy);
    const decision = policy.decide(impressionId, features, candidates);
    for (let choice = decision.next(); choice; choice = decision.next()) {
      const live = this.deps.models.get(choice.arm);
      if (!live) continue;
      const adaptation = adaptationFor(live, adaptations);
      let items: ScoredItem[];
      try {
        items = [...(await this.#recommend(live, request, adaptation))];
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
      return { live, items, adaptation, propensity: choice.propensity, chosen: true };
    }
    return { live: this.deps.models.get(FALLBACK_STRATEGY), items: [], adaptation: null, propensity: 1, chosen: false };
  }

  /** Asks the serving strategy, then the fallback; tops a short slate up from the fallback. */
  async #serve(request: RecommendRequest, adaptations: ReadonlyMap<string, StoredAdaptation>): Promise<Served> {
    const chain = [this.options.servingStrategy, FALLBACK_STRATEGY].filter((s, i, all) => all.indexOf(s) === i);
    for (const name of chain) {
      const live = this.deps.models.get(name);
      if (!live) continue;
      const adaptation = adaptationFor(live, adaptations);
      try {
        const items = [...(await this.#recommend(live, request, adaptation))];
        if (name === FALLBACK_STRATEGY) return { live, items, adaptation };
        // Nothing to say for this user (e.g. no history yet): the next in the chain serves.
        if (items.length === 0) continue;
        if (items.length < request.k) await this.#topUp(items, request);
        return { live, items, adaptation };
      } catch (error) {
        this.deps.log.warn('strategy failed; falling back', { strategy: name, error: String(error) });
      }
    }
    return { live: undefined, items: [], adaptation: null };
  }

  /** One strategy call within its time budget, with that strategy's adaptation to the user. */
  #recommend(live: LiveModel, request: RecommendRequest, adaptation: StoredAdaptation | null): Promise<readonly ScoredItem[]> {
    const adapted = adaptation ? { ...request, adapted: adaptation.state } : request;
    return withTimeBudget(() => live.entry.definition.recommend(live.model, adapted), this.options.strategyTimeoutMs);
  }

  /** Read only while a live model adapts, alongside the user's history (not after it). */
  async #adaptationsOf(userId: string): Promise<ReadonlyMap<string, StoredAdaptation>> {
    const store = this.deps.adaptations;
    if (!store || !this.deps.models.list().some((m) => m.adapts)) return NO_ADAPTATIONS;
    return store.read(userId);
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

/** A stored adaptation is served only with the model version that made it. */
function adaptationFor(live: LiveModel, adaptations: ReadonlyMap<string, StoredAdaptation>): StoredAdaptation | null {
  const stored = adaptations.get(live.strategy);
  return stored && stored.modelVersion === live.version ? stored : null;
}
