/**
 * Every served slate, written to the database in batches so logging does not cost a write
 * per request. Nothing is dropped: a failed batch is retried, shutdown flushes, and feedback
 * that names an impression still in the buffer waits for it to be written (`ensureWritten`).
 */
import type { ServingStore } from '../db/serving-store.js';
import type { Logger } from '../strategies/contract.js';
import type { ExperimentExposure } from './serving-policy.js';

export interface SlateEntry {
  readonly itemId: string;
  readonly score: number;
  readonly position: number;
}

export interface ImpressionRecord {
  readonly id: string;
  readonly userExternalId: string;
  readonly surface: string;
  readonly strategy: string;
  readonly modelVersion: string | null;
  readonly items: readonly SlateEntry[];
  readonly propensity: number;
  readonly context: Readonly<Record<string, unknown>>;
  /** The meta-policy's context features for this decision; null when a fixed strategy served. */
  readonly features: Readonly<Record<string, string>> | null;
  /** `meta-policy` when the meta-policy chose the strategy (these impressions teach it). */
  readonly variant: string | null;
  /** The experiment variant the request was served under, if any. */
  readonly experiment: ExperimentExposure | null;
  readonly createdAt: Date;
}

export interface ImpressionLogOptions {
  /** Flush when this many impressions wait. @default 256 */
  readonly maxBatch?: number;
  /** Flush at least this often, ms. @default 25 */
  readonly flushIntervalMs?: number;
}

export class ImpressionLog {
  #pending: ImpressionRecord[] = [];
  #pendingIds = new Set<string>();
  #flushing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #maxBatch: number;
  readonly #intervalMs: number;

  constructor(
    private readonly store: ServingStore,
    private readonly log: Logger,
    options: ImpressionLogOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 256;
    this.#intervalMs = options.flushIntervalMs ?? 25;
  }

  append(impression: ImpressionRecord): void {
    this.#pending.push(impression);
    this.#pendingIds.add(impression.id);
    if (this.#pending.length >= this.#maxBatch) void this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        void this.flush();
      }, this.#intervalMs);
    }
  }

  /** True while the impression is buffered and not yet in the database. */
  isPending(id: string): boolean {
    return this.#pendingIds.has(id);
  }

  /** Resolves once the impression (if it was logged here) is in the database. */
  async ensureWritten(id: string): Promise<void> {
    while (this.#pendingIds.has(id)) await this.flush();
  }

  /** Writes everything buffered; concurrent callers share the flush in progress. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = null;
    });
    await this.#flushing;
  }

  async #write(batch: ImpressionRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.insertImpressions(batch);
        for (const i of batch) this.#pendingIds.delete(i.id);
        return;
      } catch (error) {
        if (attempt >= 5) {
          // Keep them for the next flush rather than dropping them.
          this.#pending = batch.concat(this.#pending);
          this.log.warn('impression batch not written; will retry', { count: batch.length, error: String(error) });
          throw error;
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.flush();
  }
}
