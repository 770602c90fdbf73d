/** Embedded mode: statistics in this process, snapshotted to the database. */
import { addIncrements, EMPTY_ARM, type ArmStatistics } from './sufficient-statistics.js';
import type { PolicyStatistics, StatisticsStore } from './statistics-store.js';

export class InProcessStatistics implements StatisticsStore {
  readonly kind = 'in-process' as const;
  #arms: Record<string, ArmStatistics> = {};
  #floor: number | null = null;
  #version = 0;

  get version(): number {
    return this.#version;
  }

  current(): PolicyStatistics {
    return { arms: this.#arms, floor: this.#floor };
  }

  async add(arm: string, increments: Readonly<Record<string, number>>, at: number): Promise<void> {
    this.#arms = { ...this.#arms, [arm]: addIncrements(this.#arms[arm] ?? EMPTY_ARM, increments, at) };
    this.#version++;
  }

  async setFloor(floor: number | null): Promise<void> {
    this.#floor = floor;
    this.#version++;
  }

  async reset(): Promise<void> {
    this.#arms = {};
    this.#version++;
  }

  async sync(): Promise<void> {}

  async restore(state: PolicyStatistics): Promise<boolean> {
    if (Object.keys(this.#arms).length > 0) return false;
    this.#arms = { ...state.arms };
    this.#floor = state.floor;
    this.#version++;
    return true;
  }

  async close(): Promise<void> {}
}
