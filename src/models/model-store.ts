/**
 * Where trained artifacts live. The default implementation is the database
 * (`DbModelStore`); the interface is what training, promotion and gateways depend on.
 */
import type { ModelStatus, ModelVersion, ModelVersionSummary, NewModelVersion } from './model-version.js';

export interface ListModelVersionsOptions {
  readonly strategy?: string;
  readonly status?: ModelStatus;
  /** Newest first. @default 50 */
  readonly limit?: number;
}

export interface ModelStore {
  /** Stores a finished artifact as a `candidate` (one atomic write: never a partial one). */
  saveCandidate(version: NewModelVersion): Promise<ModelVersionSummary>;
  list(options?: ListModelVersionsOptions): Promise<ModelVersionSummary[]>;
  /** Summary without the artifact bytes. */
  getSummary(id: string): Promise<ModelVersionSummary | null>;
  /** With the artifact bytes. */
  get(id: string): Promise<ModelVersion | null>;
  getLive(strategy: string): Promise<ModelVersionSummary | null>;
  /** `{strategy: id}` of every live version; cheap, for polling. */
  liveIds(): Promise<Map<string, string>>;
  /** Makes `id` live and retires the previous live version of its strategy, atomically. */
  promote(id: string): Promise<ModelVersionSummary>;
  /**
   * Makes the most recently retired version of `strategy` live again and retires the current
   * one (kept, not deleted, so a rollback can itself be undone by `promote`).
   */
  rollback(strategy: string): Promise<ModelVersionSummary>;
  /** Retires a version (never served again unless promoted). */
  retire(id: string): Promise<ModelVersionSummary>;
}
