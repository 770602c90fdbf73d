/**
 * Reads what serving needs about a user in one query: attributes, recent history (for
 * strategies) and every item they interacted with (excluded from slates unless asked).
 */
import type { InteractionRecord, UserState } from '../strategies/contract.js';
import { isFeedbackType } from '../interactions/feedback-type.js';
import { signalWeight, type SignalPolicy } from '../interactions/signal-policy.js';
import type { CatalogCache } from './catalog-cache.js';
import type { ServingStore } from '../db/serving-store.js';

/** Cap on interactions read per request; beyond it only the newest count. */
const MAX_INTERACTIONS_READ = 5_000;

export interface ServingUser {
  readonly state: UserState;
  /** Every item the user interacted with (up to the read cap). */
  readonly seen: ReadonlySet<string>;
  /** How many interactions the user has (up to the read cap); the meta-policy's context. */
  readonly interactionCount: number;
  /** The newest interaction, ms epoch; null for none. */
  readonly lastInteractionAt: number | null;
}

export class UserStateLoader {
  constructor(
    private readonly store: ServingStore,
    private readonly catalog: CatalogCache,
    private readonly policy: SignalPolicy,
    private readonly historyLength: number,
  ) {}

  async load(externalId: string): Promise<ServingUser> {
    const user = await this.store.userInteractions(externalId, MAX_INTERACTIONS_READ);
    if (!user) {
      return { state: { id: externalId, known: false, attributes: {}, history: [] }, seen: new Set(), interactionCount: 0, lastInteractionAt: null };
    }
    const seen = new Set<string>();
    const history: InteractionRecord[] = [];
    for (const r of user.interactions) {
      // Item ids come from the catalogue cache: a relation include would bind one parameter
      // per interaction, past SQLite's limit for long histories.
      const itemId = this.catalog.externalIdOf(r.itemId);
      if (itemId === undefined) continue;
      seen.add(itemId);
      if (history.length < this.historyLength && isFeedbackType(r.type)) {
        history.push({
          userId: externalId,
          itemId,
          type: r.type,
          value: r.value,
          weight: signalWeight(this.policy, r.type, r.value),
          occurredAt: r.occurredAt,
        });
      }
    }
    history.reverse();
    const attributes = user.attributes && typeof user.attributes === 'object' && !Array.isArray(user.attributes) ? user.attributes : {};
    return {
      state: { id: externalId, known: true, attributes: attributes as Record<string, unknown>, history },
      seen,
      interactionCount: user.interactions.length,
      lastInteractionAt: user.interactions[0]?.occurredAt ?? null,
    };
  }

  /**
   * The current session's items (the `sessionItems` of a request, oldest first) appended to
   * the user's history as clicks just before `now`, weighted by the signal policy, so
   * strategies read them as the most recent history: a visitor with no id gets a personal
   * slate after one click. They also count as seen.
   */
  withSession(user: ServingUser, sessionItems: readonly string[], now: number): ServingUser {
    if (sessionItems.length === 0) return user;
    const weight = signalWeight(this.policy, 'click', null);
    const session: InteractionRecord[] = sessionItems.map((itemId, i) => ({
      userId: user.state.id,
      itemId,
      type: 'click',
      value: null,
      weight,
      occurredAt: now - sessionItems.length + i,
    }));
    return {
      ...user,
      state: { ...user.state, history: [...user.state.history, ...session] },
      seen: new Set([...user.seen, ...sessionItems]),
    };
  }
}
