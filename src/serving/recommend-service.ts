/**
 * The request path: validated input -> user state -> the request's serving policy draws an
 * arm (src/serving/serving-policy.ts) -> strategy.recommend within its time budget (on a
 * failure or nothing for the user: the next draw; when every arm is drawn, an empty slate
 * from the fallback) -> top-up from the fallback -> business filters -> impression logged
 * with features and propensity -> slate.
 *
 * `similarItems` takes the same path with strategy.similar as the call and, as arms, the
 * loaded strategies that define it: one loop, one impression log, one policy.
 */
import { randomUUID } from 'node:crypto';
import type { CatalogItem, CatalogView, Logger, RecommendRequest, ScoredItem } from '../strategies/contract.js';
import type { CatalogCache } from '../catalog/catalog-cache.js';
import type { RecommendationsInput, SimilarItemsInput } from './input-schemas.js';
import { rgError } from '../errors.js';
import type { ImpressionLog } from './impression-log.js';
import type { LiveModel, LiveModels } from '../models/live-models.js';
import { withTimeBudget } from './time-budget.js';
import type { ServingUser, UserStateLoader } from '../catalog/user-state-loader.js';
import { FALLBACK_STRATEGY } from './serving-chain.js';
import type { ExperimentExposure, ServingDecision, ServingPolicy } from './serving-policy.js';
import { NO_ADAPTATIONS, type AdaptedStateStore } from '../adaptation/adapted-state-store.js';
import type { StoredAdaptation } from '../adaptation/stored-adaptation.js';

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
  /** The experiment variant the user was served under; null outside experiments. */
  readonly experiment: ExperimentExposure | null;
}

interface Served {
  readonly live: LiveModel | undefined;
  readonly items: ScoredItem[];
  readonly adaptation: StoredAdaptation | null;
  readonly propensity: number;
  /** Whether an arm of the decision served (not the empty-handed fallback). */
  readonly chosen: boolean;
}

/** What picks a request's serving policy sees of the request. */
export type PolicyInput = Pick<RecommendationsInput, 'userId' | 'surface' | 'context'>;

/** Asks one live model for the request's items (recommend or similar). */
type StrategyCall = (live: LiveModel, adaptation: StoredAdaptation | null) => Promise<readonly ScoredItem[]>;

/** Everything one slate is served from, whichever operation asked for it. */
interface SlateRequest {
  readonly userId: string;
  readonly user: ServingUser;
  readonly request: RecommendRequest;
  readonly policy: ServingPolicy;
  /** Strategies the policy may draw. */
  readonly candidates: readonly string[];
  readonly adaptations: ReadonlyMap<string, StoredAdaptation>;
  readonly call: StrategyCall;
  readonly operation: 'recommendations' | 'similarItems';
}

export interface RecommendServiceOptions {
  /** Time budget of one strategy call, ms. */
  readonly strategyTimeoutMs: number;
}

export interface RecommendServiceDeps {
  readonly catalog: CatalogCache;
  readonly users: UserStateLoader;
  readonly models: LiveModels;
  readonly impressions: ImpressionLog;
  readonly log: Logger;
  /** The configured serving policy: the fixed chain, or the meta-policy. */
  readonly policy: ServingPolicy;
  /**
   * Picks the serving policy of one request (an experiment's variant, say).
   * @default () => policy
   */
  readonly resolvePolicy?: (input: PolicyInput) => ServingPolicy;
  /** Per-user adaptations made by adapt jobs; absent: strategies serve from history alone. */
  readonly adaptations?: AdaptedStateStore | null;
}

export class RecommendService {
  constructor(
    private readonly deps: RecommendServiceDeps,
    private readonly options: RecommendServiceOptions,
  ) {}

  /** The policy a request gets when no one picks another. */
  get policy(): ServingPolicy {
    return this.deps.policy;
  }

  /**
   * A slate for validated input (the API edge parses it: `recommendationsInput`), served by
   * `policy` (by default the one `resolvePolicy` picks for this input).
   */
  async recommend(input: RecommendationsInput, policy: ServingPolicy = this.deps.resolvePolicy?.(input) ?? this.deps.policy): Promise<Slate> {
    const catalog = this.deps.catalog.view;
    const [loaded, adaptations] = await Promise.all([this.deps.users.load(input.userId), this.#adaptationsOf(input.userId)]);
    const user = this.deps.users.withSession(loaded, input.sessionItems, Date.now());
    const exclude = new Set(input.exclude);
    if (!input.includeSeen) for (const id of user.seen) exclude.add(id);
    const request = requestFor(user, input, exclude, catalog);
    return this.#serveSlate({
      userId: input.userId,
      user,
      request,
      policy,
      candidates: this.deps.models.list().map((m) => m.strategy),
      adaptations,
      call: (live, adaptation) => this.#recommend(live, request, adaptation),
      operation: 'recommendations',
    });
  }

  /**
   * Items similar to `input.itemIds` (an item page's "more like this", a cart's "often bought
   * with"), served like a slate: the policy draws among the loaded strategies that define
   * `similar`, the fallback tops up, the impression is logged. Unknown item ids are refused
   * before anything is read or written.
   */
  async similarItems(input: SimilarItemsInput, policy?: ServingPolicy): Promise<Slate> {
    const catalog = this.deps.catalog.view;
    const unknown = input.itemIds.filter((id) => catalog.get(id) === undefined);
    if (unknown.length > 0) throw rgError('RG_ERR_UNKNOWN_ITEMS', { itemIds: unknown.slice(0, 10).join(', '), count: unknown.length });
    // An anonymous visitor gets an id of its own, returned with the slate, to send feedback with.
    const userId = input.userId ?? `anonymous-${randomUUID()}`;
    const chosenPolicy = policy ?? this.deps.resolvePolicy?.({ userId, surface: input.surface, context: input.context }) ?? this.deps.policy;
    const user = input.userId === undefined ? anonymousUser(userId) : await this.deps.users.load(userId);
    const exclude = new Set([...input.exclude, ...input.itemIds]);
    const request = requestFor(user, input, exclude, catalog);
    const similarFilter = { ...input.filter, exclude, catalog };
    return this.#serveSlate({
      userId,
      user,
      request,
      policy: chosenPolicy,
      candidates: this.deps.models
        .list()
        .filter((m) => typeof m.entry.definition.similar === 'function')
        .map((m) => m.strategy),
      adaptations: NO_ADAPTATIONS,
      call: (live) => withTimeBudget(() => live.entry.definition.similar!(live.model, input.itemIds, request.k, similarFilter), this.options.strategyTimeoutMs),
      operation: 'similarItems',
    });
  }

  /** Decide, serve through the one loop, filter, log the impression. */
  async #serveSlate(slateRequest: SlateRequest): Promise<Slate> {
    const { userId, user, request, policy } = slateRequest;
    const impressionId = randomUUID();
    const decision = policy.decide({
      impressionId,
      userId,
      context: {
        interactionCount: user.interactionCount,
        lastInteractionAt: user.lastInteractionAt,
        known: user.state.known,
        surface: request.surface,
        context: request.context,
        now: request.now,
      },
      candidates: slateRequest.candidates,
      operation: slateRequest.operation,
    });
    const served = await this.#serve(decision, request, slateRequest.adaptations, slateRequest.call);
    const { live, items } = served;
    const slateItems = this.#businessFilter(items, request);
    const slate: Slate = {
      impressionId,
      userId,
      surface: request.surface,
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
      experiment: decision.experiment ?? null,
    };
    this.deps.impressions.append({
      id: impressionId,
      userExternalId: userId,
      surface: request.surface,
      strategy: slate.strategy,
      modelVersion: slate.modelVersion,
      items: slateItems.map((s) => ({ itemId: s.item.id, score: s.score, position: s.position })),
      propensity: slate.propensity,
      context: request.context,
      features: decision.features,
      // Only slates an arm of the decision served teach the policy (not the empty-handed fallback).
      variant: served.chosen ? decision.variant : null,
      experiment: slate.experiment,
      createdAt: new Date(request.now),
    });
    return slate;
  }

  /**
   * The one serving loop: asks each arm the decision draws; an arm that throws or blows its
   * time budget, or has nothing for this user, is reported and the next draw serves. A short
   * slate is topped up from the fallback. When every arm was drawn, the slate is empty and
   * labelled with the fallback.
   */
  async #serve(decision: ServingDecision, request: RecommendRequest, adaptations: ReadonlyMap<string, StoredAdaptation>, call: StrategyCall): Promise<Served> {
    for (let choice = decision.next(); choice; choice = decision.next()) {
      const live = choice.model ?? this.deps.models.get(choice.arm);
      if (!live) continue;
      const adaptation = adaptationFor(live, adaptations);
      let items: ScoredItem[];
      try {
        items = [...(await call(live, adaptation))];
      } catch (error) {
        decision.report(choice, { kind: 'failed', reason: String(error) });
        this.deps.log.warn('strategy failed; the next arm serves', { strategy: choice.arm, error: String(error) });
        continue;
      }
      if (items.length === 0) {
        decision.report(choice, { kind: 'empty' });
        continue;
      }
      decision.report(choice, { kind: 'served' });
      if (items.length < request.k && choice.arm !== FALLBACK_STRATEGY) {
        await this.#topUp(items, request).catch((error: unknown) => this.deps.log.warn('top-up failed', { error: String(error) }));
      }
      return { live, items, adaptation, propensity: choice.propensity, chosen: true };
    }
    return { live: this.deps.models.get(FALLBACK_STRATEGY), items: [], adaptation: null, propensity: 1, chosen: false };
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

/** A visitor without an id: no history, nothing seen. */
function anonymousUser(userId: string): ServingUser {
  return { state: { id: userId, known: false, attributes: {}, history: [] }, seen: new Set(), interactionCount: 0, lastInteractionAt: null };
}

/** The strategy request of an API request (recommendations or similarItems). */
function requestFor(
  user: ServingUser,
  input: Pick<RecommendationsInput, 'limit' | 'filter' | 'context' | 'surface'>,
  exclude: ReadonlySet<string>,
  catalog: CatalogView,
): RecommendRequest {
  return { user: user.state, k: input.limit, exclude, filter: input.filter, context: input.context, surface: input.surface, catalog, now: Date.now() };
}
