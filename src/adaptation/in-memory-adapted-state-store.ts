/**
 * Embedded mode's store: a map in the gateway's memory, bounded by evicting the users
 * adapted longest ago. Lost on restart, which costs each user one adapt job at their next
 * feedback; serving never depends on it.
 */
import { NO_ADAPTATIONS, type AdaptedStateStore } from './adapted-state-store.js';
import type { StoredAdaptation } from './stored-adaptation.js';

export class InMemoryAdaptedStateStore implements AdaptedStateStore {
  readonly #users = new Map<string, Map<string, StoredAdaptation>>();

  /** @param maxUsers users kept; the least recently adapted go first. @default 100000 */
  constructor(private readonly maxUsers = 100_000) {}

  async read(userId: string): Promise<ReadonlyMap<string, StoredAdaptation>> {
    return this.#users.get(userId) ?? NO_ADAPTATIONS;
  }

  async write(userId: string, adaptations: readonly StoredAdaptation[]): Promise<void> {
    if (adaptations.length === 0) return;
    const current = new Map(this.#users.get(userId));
    for (const a of adaptations) current.set(a.strategy, a);
    // Re-inserting moves the user to the end: Map order is then least recently adapted first.
    this.#users.delete(userId);
    this.#users.set(userId, current);
    while (this.#users.size > this.maxUsers) this.#users.delete(this.#users.keys().next().value!);
  }

  async forget(userId: string): Promise<void> {
    this.#users.delete(userId);
  }

  async close(): Promise<void> {
    this.#users.clear();
  }
}
