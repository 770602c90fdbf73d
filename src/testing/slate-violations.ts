/**
 * Everything a slate must satisfy whatever the strategy: at most k items, no duplicates,
 * nothing excluded, only active items that pass the filter, finite scores that never go up,
 * an explanation for every item.
 */
import type { RecommendRequest, ScoredItem } from '../strategies/contract.js';

/** Broken rules, in words; empty when the slate is valid for the request. */
export function slateViolations(slate: unknown, request: RecommendRequest): string[] {
  if (!Array.isArray(slate)) return [`expected an array of scored items, got ${typeof slate}`];
  const problems: string[] = [];
  if (slate.length > Math.max(0, request.k)) problems.push(`${slate.length} items for k = ${request.k}`);
  const seen = new Set<string>();
  let previous = Infinity;
  slate.forEach((entry: Partial<ScoredItem> | null, position) => {
    const at = `item ${position}`;
    if (entry === null || typeof entry !== 'object') {
      problems.push(`${at} is not an object`);
      return;
    }
    const { itemId, score, explanation } = entry;
    if (typeof itemId !== 'string') problems.push(`${at} has no string itemId`);
    else {
      if (seen.has(itemId)) problems.push(`${at}: "${itemId}" appears twice`);
      seen.add(itemId);
      if (request.exclude.has(itemId)) problems.push(`${at}: "${itemId}" is excluded`);
      if (!request.catalog.matches(itemId, request.filter)) {
        const item = request.catalog.get(itemId);
        const why = !item ? 'not in the catalogue' : !item.active ? 'inactive' : `outside the filter ${JSON.stringify(request.filter.categories)}`;
        problems.push(`${at}: "${itemId}" is ${why}`);
      }
    }
    if (typeof score !== 'number' || !Number.isFinite(score)) problems.push(`${at}: score ${String(score)} is not a finite number`);
    else {
      if (score > previous) problems.push(`${at}: score ${score} is above the previous ${previous}`);
      previous = score;
    }
    if (typeof explanation !== 'string' || explanation.trim() === '') problems.push(`${at}: no explanation`);
  });
  return problems;
}
