/**
 * recordFeedback / recordFeedbackBatch: validate everything, then store everything in one
 * transaction, or nothing. An idempotency key stores feedback exactly once: the same key
 * with the same feedback is answered with what was stored; with different feedback it is a
 * conflict. Stored feedback reaches the live models at once (popularity moves immediately),
 * and asks for an adapt job for its user (strategies that adapt per user).
 */
import { rgError } from '../errors.js';
import type { Database } from '../db/index.js';
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

interface Resolved {
  readonly input: FeedbackInput;
  readonly path: string;
  readonly itemDbId: number;
  readonly occurredAt: Date;
}

type FeedbackFacts = Pick<StoredFeedback, 'userId' | 'itemId' | 'type'> & { value?: number | null; impressionId?: string | null };

/** Same feedback = same user, item, type, value and impression (the time may differ on a retry). */
const sameFeedback = (a: FeedbackFacts, b: FeedbackFacts): boolean =>
  a.userId === b.userId &&
  a.itemId === b.itemId &&
  a.type === b.type &&
  (a.value ?? null) === (b.value ?? null) &&
  (a.impressionId ?? null) === (b.impressionId ?? null);

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export class FeedbackService {
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
  ) {}

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
    try {
      return await this.#tryRecordAll(inputs, pathOf);
    } catch (error) {
      // A concurrent request stored one of these keys between our check and our insert:
      // run again, and the check now sees it.
      if (isUniqueViolation(error)) return this.#tryRecordAll(inputs, pathOf);
      throw error;
    }
  }

  async #tryRecordAll(inputs: readonly FeedbackInput[], pathOf: (index: number) => string): Promise<StoredFeedback[]> {
    const prisma = this.deps.db.prisma;
    const resolved = await this.#resolve(inputs, pathOf);

    // Idempotency: keys already stored, and keys repeated inside this batch.
    const keys = [...new Set(inputs.map((i) => i.idempotencyKey).filter((k): k is string => !!k))];
    const existing = new Map<string, StoredFeedback>();
    if (keys.length > 0) {
      const rows = await prisma.interaction.findMany({
        where: { idempotencyKey: { in: keys } },
        include: { user: { select: { externalId: true } }, item: { select: { externalId: true } } },
      });
      for (const r of rows) existing.set(r.idempotencyKey!, toStored(r));
    }
    const firstInBatch = new Map<string, FeedbackInput>();
    const toInsert: Resolved[] = [];
    for (const r of resolved) {
      const key = r.input.idempotencyKey;
      if (key) {
        const stored = existing.get(key);
        const earlier = firstInBatch.get(key);
        const same = stored ? sameFeedback(stored, r.input) : earlier ? sameFeedback(earlier, r.input) : null;
        if (same === false) throw rgError('RG_ERR_IDEMPOTENCY_CONFLICT', { key });
        if (same === true) continue;
        firstInBatch.set(key, r.input);
      }
      toInsert.push(r);
    }

    const created = toInsert.length === 0 ? [] : await this.#insert(toInsert);
    const createdFor = new Map<Resolved, StoredFeedback>(toInsert.map((r, i) => [r, created[i]!]));
    const byKey = new Map<string, StoredFeedback>(existing);
    for (const c of created) if (c.idempotencyKey) byKey.set(c.idempotencyKey, c);
    const answers = resolved.map((r) => createdFor.get(r) ?? byKey.get(r.input.idempotencyKey!)!);

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
    const rewards = this.deps.rewards;
    if (rewards && created.some((c) => c.impressionId)) {
      // Stored feedback stands even if the bandit update fails; the sweep is the backstop.
      await rewards.onFeedback(created).catch((error: unknown) => this.deps.log?.warn('reward attribution failed', { error: String(error) }));
    }
    return answers;
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
  async #resolve(inputs: readonly FeedbackInput[], pathOf: (index: number) => string): Promise<Resolved[]> {
    const prisma = this.deps.db.prisma;
    const itemIds = [...new Set(inputs.map((i) => i.itemId))];
    const items = await prisma.item.findMany({ where: { externalId: { in: itemIds } }, select: { id: true, externalId: true } });
    const itemDbIds = new Map(items.map((i) => [i.externalId, i.id]));

    const impressionIds = [...new Set(inputs.map((i) => i.impressionId).filter((id): id is string => !!id))];
    for (const id of impressionIds) await this.deps.impressions.ensureWritten(id);
    const impressions =
      impressionIds.length === 0
        ? []
        : await prisma.impression.findMany({ where: { id: { in: impressionIds } }, select: { id: true, userExternalId: true } });
    const impressionUsers = new Map(impressions.map((i) => [i.id, i.userExternalId]));

    const now = new Date();
    return inputs.map((input, index) => {
      const itemDbId = itemDbIds.get(input.itemId);
      if (itemDbId === undefined) throw rgError('RG_ERR_UNKNOWN_ITEM', { itemId: input.itemId, path: `${pathOf(index)}.itemId` });
      if (input.impressionId) {
        const owner = impressionUsers.get(input.impressionId);
        if (owner === undefined) throw rgError('RG_ERR_UNKNOWN_IMPRESSION', { impressionId: input.impressionId });
        if (owner !== input.userId) throw rgError('RG_ERR_IMPRESSION_USER_MISMATCH', { impressionId: input.impressionId, userId: input.userId });
      }
      return { input, path: pathOf(index), itemDbId, occurredAt: input.occurredAt ?? now };
    });
  }

  /** One transaction: create missing users, then the interactions. */
  async #insert(rows: readonly Resolved[]): Promise<StoredFeedback[]> {
    return this.deps.db.prisma.$transaction(async (tx) => {
      const userIds = [...new Set(rows.map((r) => r.input.userId))];
      const users = new Map<string, number>();
      for (const externalId of userIds) {
        const user = await tx.user.upsert({ where: { externalId }, create: { externalId, attributes: {} }, update: {}, select: { id: true } });
        users.set(externalId, user.id);
      }
      const out: StoredFeedback[] = [];
      for (const r of rows) {
        const c = await tx.interaction.create({
          data: {
            userId: users.get(r.input.userId)!,
            itemId: r.itemDbId,
            type: r.input.type,
            value: r.input.value ?? null,
            occurredAt: r.occurredAt,
            impressionId: r.input.impressionId ?? null,
            idempotencyKey: r.input.idempotencyKey ?? null,
          },
          select: { id: true, type: true, value: true, occurredAt: true, impressionId: true, idempotencyKey: true },
        });
        out.push({ ...c, type: c.type as FeedbackType, userId: r.input.userId, itemId: r.input.itemId });
      }
      return out;
    });
  }
}

function toStored(r: {
  id: number;
  type: string;
  value: number | null;
  occurredAt: Date;
  impressionId: string | null;
  idempotencyKey: string | null;
  user: { externalId: string };
  item: { externalId: string };
}): StoredFeedback {
  return {
    id: r.id,
    userId: r.user.externalId,
    itemId: r.item.externalId,
    type: r.type as FeedbackType,
    value: r.value,
    occurredAt: r.occurredAt,
    impressionId: r.impressionId,
    idempotencyKey: r.idempotencyKey,
  };
}
