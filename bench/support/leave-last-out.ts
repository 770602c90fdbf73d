/**
 * Leave-last-new-item-out: for every user with at least two distinct positive items, the item
 * they discovered last is held out and all of their interactions with it leave the training
 * set. Recommending it is then a genuine "next new item" prediction, even on purchase data
 * where people rebuy.
 */
import type { InteractionRecord } from '../../src/strategies/contract.js';

export interface HeldOut {
  readonly userId: string;
  readonly itemId: string;
}

export interface LeaveLastOutSplit {
  readonly train: readonly InteractionRecord[];
  readonly test: readonly HeldOut[];
}

export function leaveLastNewItemOut(records: readonly InteractionRecord[]): LeaveLastOutSplit {
  const firstSeen = new Map<string, Map<string, number>>();
  for (const r of records) {
    if (r.weight <= 0) continue;
    let items = firstSeen.get(r.userId);
    if (!items) firstSeen.set(r.userId, (items = new Map()));
    const t = items.get(r.itemId);
    if (t === undefined || r.occurredAt < t) items.set(r.itemId, r.occurredAt);
  }
  const test: HeldOut[] = [];
  const heldOutItem = new Map<string, string>();
  for (const [userId, items] of [...firstSeen].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (items.size < 2) continue;
    let last: string | null = null;
    let lastAt = -Infinity;
    for (const [itemId, t] of items) {
      if (t > lastAt || (t === lastAt && last !== null && itemId > last)) {
        last = itemId;
        lastAt = t;
      }
    }
    test.push({ userId, itemId: last! });
    heldOutItem.set(userId, last!);
  }
  const train = records.filter((r) => heldOutItem.get(r.userId) !== r.itemId);
  return { train, test };
}
