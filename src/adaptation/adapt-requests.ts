/**
 * Turns stored feedback into adapt jobs: one request per user, only while some live model
 * adapts, never holding up or failing the feedback (the stored feedback stands; the next
 * feedback asks again). A failure is logged once until requests succeed again, not per call.
 */
import type { JobService } from '../jobs/job-service.js';
import type { LiveModels } from '../serving/live-models.js';
import type { Logger } from '../strategies/contract.js';

export class AdaptRequests {
  #failing = false;

  constructor(private readonly deps: { readonly jobs: JobService; readonly models: LiveModels; readonly log: Logger }) {}

  /** Fire and forget. */
  request(userIds: Iterable<string>): void {
    if (!this.deps.models.list().some((m) => m.adapts)) return;
    for (const userId of new Set(userIds)) {
      this.deps.jobs.requestAdapt(userId).then(
        () => {
          if (this.#failing) this.deps.log.info('adapt jobs are being queued again');
          this.#failing = false;
        },
        (error: unknown) => {
          if (!this.#failing) this.deps.log.warn('adapt job not queued; users are served from their history until it works again', { error: String(error) });
          this.#failing = true;
        },
      );
    }
  }
}
