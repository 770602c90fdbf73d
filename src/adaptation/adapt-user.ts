/**
 * The adapt job's work for one user: read the user's history as serving reads it, run
 * `adapt` of every live model whose strategy adapts, and store what each returned, tagged
 * with the model version, where every gateway reads it. Gateways (embedded mode) and
 * workers run this same function.
 */
import type { CatalogView, Logger } from '../strategies/contract.js';
import type { LiveModels } from '../models/live-models.js';
import type { UserStateLoader } from '../catalog/user-state-loader.js';
import type { AdaptedStateStore } from './adapted-state-store.js';
import type { StoredAdaptation } from './stored-adaptation.js';

export interface UserAdapterDeps {
  readonly users: UserStateLoader;
  readonly models: LiveModels;
  readonly catalog: () => CatalogView;
  readonly store: AdaptedStateStore;
  readonly log: Logger;
}

export interface AdaptJobResult {
  readonly userId: string;
  /** One entry per strategy that stored state for this user. */
  readonly adapted: ReadonlyArray<{ readonly strategy: string; readonly modelVersion: string }>;
  /** Adapting strategies that returned nothing to keep (e.g. no usable history). */
  readonly unchanged: readonly string[];
  /** Adapting strategies whose `adapt` threw; the others' state is stored all the same. */
  readonly failed: ReadonlyArray<{ readonly strategy: string; readonly error: string }>;
  /** The newest interaction the adaptation saw, ms epoch; null for none. */
  readonly historyThrough: number | null;
}

/** Adapting is a few milliseconds per strategy: it is not cancellable midway. */
export async function adaptUser(deps: UserAdapterDeps, userId: string): Promise<AdaptJobResult> {
  const adapting = deps.models.list().filter((m) => m.adapts);
  const empty = { userId, adapted: [], unchanged: [], failed: [], historyThrough: null };
  if (adapting.length === 0) return empty;
  const user = await deps.users.load(userId);
  if (!user.state.known) return empty;
  const catalog = deps.catalog();
  const now = Date.now();
  const stored: StoredAdaptation[] = [];
  const unchanged: string[] = [];
  const failed: Array<{ strategy: string; error: string }> = [];
  for (const live of adapting) {
    try {
      const state = await live.entry.definition.adapt(live.model, user.state, { catalog, now });
      if (!state) {
        unchanged.push(live.strategy);
        continue;
      }
      stored.push({
        strategy: live.strategy,
        modelVersion: live.version,
        adaptedAt: now,
        historyThrough: user.lastInteractionAt,
        interactions: user.interactionCount,
        state,
      });
    } catch (error) {
      failed.push({ strategy: live.strategy, error: String(error) });
      deps.log.warn('adapt failed; that strategy serves this user from history alone', { strategy: live.strategy, user: userId, error: String(error) });
    }
  }
  await deps.store.write(userId, stored);
  return {
    userId,
    adapted: stored.map((s) => ({ strategy: s.strategy, modelVersion: s.modelVersion })),
    unchanged,
    failed,
    historyThrough: user.lastInteractionAt,
  };
}
