/**
 * Where per-user adaptations live, so that every gateway serves the state a worker computed:
 * Redis with REDIS_URL, this process's memory without (embedded mode has one process).
 */
import type { StoredAdaptation } from './stored-adaptation.js';

export interface AdaptedStateStore {
  /**
   * The user's adaptations by strategy. Never throws: an unreachable store reads as "not
   * adapted", because serving must not wait on, or fail with, an optional refinement.
   */
  read(userId: string): Promise<ReadonlyMap<string, StoredAdaptation>>;
  /** Stores these adaptations (one per strategy), replacing that user's older ones. */
  write(userId: string, adaptations: readonly StoredAdaptation[]): Promise<void>;
  /** Deletes everything stored for the user (deleteUser). Throws when the store is unreachable. */
  forget(userId: string): Promise<void>;
  close(): Promise<void>;
}

export const NO_ADAPTATIONS: ReadonlyMap<string, StoredAdaptation> = new Map();
