/**
 * A recommend request as serving builds it for a user with this history: their items excluded,
 * no filter, no context. Strategy tests that ask for one user's slate start from it.
 */
import type { CatalogView, InteractionRecord, RecommendRequest } from '../../src/strategies/contract.js';

export function historyRequest(
  catalog: CatalogView,
  history: readonly InteractionRecord[],
  now: RecommendRequest['now'],
  overrides: Partial<RecommendRequest> = {},
): RecommendRequest {
  return {
    user: { id: history[0]?.userId ?? 'newcomer', known: history.length > 0, attributes: {}, history },
    k: 10,
    exclude: new Set(history.map((r) => r.itemId)),
    filter: {},
    context: {},
    surface: 'test',
    catalog,
    now,
    ...overrides,
  };
}
