/**
 * One strategy's adaptation to one user, as stored: the state `adapt` returned, the model
 * version it was made with (serving uses it only with that version), and what it saw.
 * Encoded with the artifact codec, so the arrays travel as bytes and a damaged value is
 * detected rather than served.
 */
import { z } from 'zod';
import { decodeArtifact, encodeArtifact } from '../strategies/artifact-codec.js';
import type { AdaptedUserState, JsonValue } from '../strategies/contract.js';

export interface StoredAdaptation {
  readonly strategy: string;
  /** The model version `adapt` ran with. */
  readonly modelVersion: string;
  /** When the adaptation ran, ms epoch. */
  readonly adaptedAt: number;
  /** The newest interaction it saw, ms epoch; null for none. */
  readonly historyThrough: number | null;
  /** How many of the user's interactions it saw. */
  readonly interactions: number;
  readonly state: AdaptedUserState;
}

const envelope = z
  .object({
    strategy: z.string().min(1),
    modelVersion: z.string().min(1),
    adaptedAt: z.number(),
    historyThrough: z.number().nullable(),
    interactions: z.number().int().nonnegative(),
    state: z.unknown(),
  })
  .strict();

export function encodeStoredAdaptation(stored: StoredAdaptation): Uint8Array {
  const { state, ...facts } = stored;
  return encodeArtifact({ json: { ...facts, state: state.json }, arrays: state.arrays });
}

/** The stored adaptation, or null when the bytes are not one (a foreign or damaged value). */
export function decodeStoredAdaptation(bytes: Uint8Array): StoredAdaptation | null {
  try {
    const artifact = decodeArtifact(bytes, { label: 'adapted user state' });
    const parsed = envelope.safeParse(artifact.json);
    if (!parsed.success) return null;
    const { state, ...facts } = parsed.data;
    return { ...facts, state: { json: (state ?? null) as JsonValue, arrays: artifact.arrays } };
  } catch {
    return null;
  }
}
