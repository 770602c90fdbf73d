/**
 * recordFeedback / recordFeedbackBatch: validate everything, then store everything in one
 * transaction, or nothing (a few statements per batch: src/db/feedback-store.ts). An
 * idempotency key stores feedback exactly once: the same key with the same feedback is
 * answered with what was stored; with different feedback it is a conflict. Stored feedback reaches the live models at once (popularity moves immediately),
 * and asks for an adapt job for its user (strategies that adapt per user).
 */
import { rgError } from '../errors.js';
import type { Database } from '../db/index.js';
import { FeedbackStore, type FeedbackRow, type StoredInteraction } from '../db/feedback-store.js';
import { signalWeight, type SignalPolicy } from '../interactions/signal-policy.js';
import { DEFAULT_FEEDBACK_BOUNDS, feedbackProblem, type FeedbackBounds } from '../interactions/feedback-bounds.js';
import type { FeedbackType } from '../interactions/feedback-type.js';
import { feedbackBatchInput, feedbackInput, type FeedbackInput } from './input-schemas.js';
import { parseInput } from './validation.js';
import type { ImpressionLog } from './impression-log.js';
import type { LiveModels } from '../models/live-models.js';
import type { RewardAttribution } from '../policy/reward-attribution.js';
import type { Logger } from '../strategies/contract.js';
import type { AdaptRequests } from '../adaptation/adapt-requests.js';

export interface StoredFeedback {
  readonly id: number;
  readonly userId: string;
  readonly itemId: string;
  readonly type: FeedbackType;
  readonly value: number | null;
  readonly occurredAt: Date;
  readonly impressionId: string | null;
  readonly idempotencyKey: string | null;
}

type FeedbackFacts = Pick<StoredFeedback, 'userId' | 'itemId'> & { type: string; value?: number | null; impressionId?: string | null };

/** Same feedback = same user, item, type, value and impression (the time may differ on a retry). */
const sameFeedback = (a: FeedbackFacts, b: FeedbackFacts): boolean =>
  a.userId === b.userId &&
  a.itemId === b.itemId &&
  a.type === b.type &&
  (a.value ?? null) === (b.value ?? null) &&
  (a.impressionId ?? null) === (b.impressionId ?? null);

export class FeedbackService {
  readonly #store: FeedbackStore;

  constructor(
    private readonly deps: {
      readonly db: Database;
      readonly impressions: ImpressionLog;
      readonly models: LiveModels;
      readonly signalPolicy: SignalPolicy;
      /** Accepted times and values (RECGATE_RATING_SCALE, RECGATE_MAX_CLOCK_SKEW_SECONDS). @default DEFAULT_FEEDBACK_BOUNDS */
      readonly bounds?: FeedbackBounds;
      /** Feedback naming an impression rewards the meta-policy at once. */
      readonly rewards?: RewardAttribution | null;
      /** Stored feedback asks for an adapt job for its user. */
      readonly adaptation?: AdaptRequests | null;
      readonly log?: Logger;
    },
  ) {
    this.#store = new FeedbackStore(deps.db);
  }

  async record(rawInput: unknown): Promise<StoredFeedback> {
    const input = parseInput(feedbackInput, rawInput);
    const [stored] = await this.#recordAll([input], () => 'input');
    return stored!;
  }

  async recordBatch(rawInputs: unknown): Promise<StoredFeedback[]> {
    const inputs = parseInput(feedbackBatchInput, rawInputs, 'inputs');
    return this.#recordAll(inputs, (i) => `inputs.${i}`);
  }

  async #recordAll(inputs: readonly FeedbackInput[], pathOf: (index: number) => string): Promise<StoredFeedback[]> {
    this.#checkBounds(inputs, pathOf);
    const resolved = await this.#resolve(inputs, pathOf);

    // A key repeated inside the batch: the same feedback is answered by its first entry,
    // other feedback is a conflict.
    const firstInBatch = new Map<string, number>();
    const rows: FeedbackRow[] = [];
    const rowOf: number[] = [];
    for (const r of resolved) {
      const key = r.idempotencyKey;
      const earlier = key === null ? undefined : firstInBatch.get(key);
      if (earlier !== undefined) {
        if (!sameFeedback(rows[earlier]!, r)) throw rgError('RG_ERR_IDEMPOTENCY_CONFLICT', { key: key! });
        rowOf.push(earlier);
        continue;
      }
      if (key !== null) firstInBatch.set(key, rows.length);
      rowOf.push(rows.length);
      rows.push(r);
    }

    const outcomes = await this.#store.store(rows, (row, stored) => {
      if (!sameFeedback(stored, row)) throw rgError('RG_ERR_IDEMPOTENCY_CONFLICT', { key: row.idempotencyKey! });
    });
    const created = outcomes.filter((o) => o.created).map((o) => toStored(o.stored));
    this.#tell(created);
    const rewards = this.deps.rewards;
    if (rewards && created.some((c) => c.impressionId)) {
      // Stored feedback stands even if the bandit update fails; the sweep is the backstop.
      await rewards.onFeedback(created).catch((error: unknown) => this.deps.log?.warn('reward attribution failed', { error: String(error) }));
    }
    return rowOf.map((i) => toStored(outcomes[i]!.stored));
  }

  /** The live models learn from new feedback at once; adapting strategies get a job per user. */
  #tell(created: readonly StoredFeedback[]): void {
    for (const c of created) {
      this.deps.models.observe({
        userId: c.userId,
        itemId: c.itemId,
        type: c.type,
        value: c.value,
        weight: signalWeight(this.deps.signalPolicy, c.type, c.value),
        occurredAt: c.occurredAt.getTime(),
      });
    }
    this.deps.adaptation?.request(created.map((c) => c.userId));
  }

  /** Times and values within bounds, for every input before anything is read or written. */
  #checkBounds(inputs: readonly FeedbackInput[], pathOf: (index: number) => string): void {
    const bounds = this.deps.bounds ?? DEFAULT_FEEDBACK_BOUNDS;
    const now = Date.now();
    inputs.forEach((input, index) => {
      const facts = { type: input.type, value: input.value ?? null, occurredAt: input.occurredAt?.getTime() ?? now };
      const problem = feedbackProblem(bounds, facts, now);
      if (problem === null) return;
      const field = problem.code === 'RG_ERR_FEEDBACK_TIME' ? 'occurredAt' : 'value';
      throw rgError(problem.code, { path: `${pathOf(index)}.${field}`, type: input.type.toUpperCase(), reason: problem.reason });
    });
  }

  /** Items and impressions must exist; impressions must belong to the user. */
  async #resolve(inputs: readonly FeedbackInput[], pathOf: (index: number) => string): Promise<FeedbackRow[]> {
    const itemDbIds = await this.#store.itemIds(inputs.map((i) => i.itemId));
    const impressionIds = [...new Set(inputs.map((i) => i.impressionId).filter((id): id is string => !!id))];
    for (const id of impressionIds) await this.deps.impressions.ensureWritten(id);
    const impressionUsers = await this.#store.impressionOwners(impressionIds);

    const now = new Date();
    return inputs.map((input, index) => {
      const itemDbId = itemDbIds.get(input.itemId);
      if (itemDbId === undefined) throw rgError('RG_ERR_UNKNOWN_ITEM', { itemId: input.itemId, path: `${pathOf(index)}.itemId` });
      if (input.impressionId) {
        const owner = impressionUsers.get(input.impressionId);
        if (owner === undefined) throw rgError('RG_ERR_UNKNOWN_IMPRESSION', { impressionId: input.impressionId });
        if (owner !== input.userId) throw rgError('RG_ERR_IMPRESSION_USER_MISMATCH', { impressionId: input.impressionId, userId: input.userId });
      }
      return {
        userId: input.userId,
        itemId: input.itemId,
        itemDbId,
        type: input.type,
        value: input.value ?? null,
        occurredAt: input.occurredAt ?? now,
        impressionId: input.impressionId ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
      };
    });
  }
}

/** Types come back as the strings the database holds; only FEEDBACK_TYPES were ever stored. */
const toStored = (s: StoredInteraction): StoredFeedback => ({ ...s, type: s.type as FeedbackType });
