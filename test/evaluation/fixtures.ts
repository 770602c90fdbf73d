/** Small builders for evaluation tests: interactions and catalogue items with defaults. */
import type { CatalogItem, InteractionRecord } from '../../src/strategies/contract.js';
import type { FeedbackType } from '../../src/interactions/index.js';

export function interaction(
  userId: string,
  itemId: string,
  occurredAt: number,
  options: { weight?: number; type?: FeedbackType; value?: number | null } = {},
): InteractionRecord {
  return {
    userId,
    itemId,
    type: options.type ?? 'click',
    value: options.value ?? null,
    weight: options.weight ?? 1,
    occurredAt,
  };
}

export function catalogItem(id: string, options: { active?: boolean; createdAt?: number } = {}): CatalogItem {
  return {
    id,
    title: `Item ${id}`,
    description: '',
    categories: [],
    attributes: {},
    embedding: null,
    active: options.active ?? true,
    createdAt: options.createdAt ?? 0,
  };
}

export const catalog = (...ids: string[]): CatalogItem[] => ids.map((id) => catalogItem(id));
