/**
 * Turns stored feedback into adapt jobs: one request per user, only while some live model
 * adapts, never holding up or failing the feedback (the stored feedback stands; the next
 * feedback asks again). Only Redis can make a request fail: logged once per outage.
 */
import type { LiveModels } from '../models/live-models.js';
import type { Logger } from '../strategies/contract.js';
import { redisOutageLog } from '../redis/redis-connection.js';

/** Where adapt jobs are queued (the job service: BullMQ with Redis, in-process without). */
export interface AdaptJobQueue {
  requestAdapt(userId: string): Promise<unknown>;
}

export class AdaptRequests {
  readonly #outage: ReturnType<typeof redisOutageLog>;

  constructor(private readonly deps: { readonly jobs: AdaptJobQueue; readonly models: LiveModels; readonly log: Logger }) {
    this.#outage = redisOutageLog(deps.log, 'adapt jobs', 'not queued, users are served from their history until it is back');
  }

  /** Fire and forget. */
  request(userIds: Iterable<string>): void {
    if (!this.deps.models.list().some((m) => m.adapts)) return;
    for (const userId of new Set(userIds)) {
      this.deps.jobs.requestAdapt(userId).then(this.#outage.ready, this.#outage.error);
    }
  }
}
