/**
 * Where the meta-policy's statistics live: in process (embedded mode) or in Redis (shared by
 * every gateway). Both expose a synchronous view for the request path (`current()`), and
 * every update is a set of commutative increments so none is ever lost.
 */
import type { ArmStatistics } from './sufficient-statistics.js';

export interface PolicyStatistics {
  readonly arms: Readonly<Record<string, ArmStatistics>>;
  /** Exploration floor set through the API; null = the configured one. */
  readonly floor: number | null;
}

export interface StatisticsStore {
  readonly kind: 'in-process' | 'redis';
  /** The latest view this process has (Redis: refreshed by `sync`, plus own updates). */
  current(): PolicyStatistics;
  /** Bumped whenever `current()` changes; lets the policy cache its LinUCB models. */
  readonly version: number;
  add(arm: string, increments: Readonly<Record<string, number>>, at: number): Promise<void>;
  setFloor(floor: number | null): Promise<void>;
  reset(): Promise<void>;
  /** Re-reads shared state (no-op in process). */
  sync(): Promise<void>;
  /** Seeds the statistics from a snapshot when the store is empty (start-up). */
  restore(state: PolicyStatistics): Promise<boolean>;
  close(): Promise<void>;
}
