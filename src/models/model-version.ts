/**
 * One trained artifact of one strategy, as the model store keeps it. Only `live` versions
 * are served; at most one per strategy.
 */
export const MODEL_STATUSES = ['candidate', 'live', 'retired', 'failed'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export interface ModelVersionSummary {
  /** Unique; also the model version impressions and the API name. */
  readonly id: string;
  readonly strategy: string;
  /** The strategy code's semver when it was trained. */
  readonly strategyVersion: string;
  readonly status: ModelStatus;
  /** Training metrics plus the held-out metrics promotion compares (`heldOut*`). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: unknown;
  readonly dataFingerprint: string;
  /** TensorFlow.js backend the training ran on, or "none". */
  readonly backend: string;
  readonly durationMs: number;
  readonly trainedAt: Date;
  readonly promotedAt: Date | null;
  readonly retiredAt: Date | null;
}

export interface ModelVersion extends ModelVersionSummary {
  /** Encoded with `encodeArtifact`. */
  readonly artifact: Uint8Array;
}

/** What training hands the store; it becomes a `candidate`. */
export type NewModelVersion = Omit<ModelVersion, 'id' | 'status' | 'trainedAt' | 'promotedAt' | 'retiredAt'> & {
  readonly trainedAt?: Date;
};
