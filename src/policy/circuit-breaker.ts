/**
 * Takes a repeatedly failing arm out of rotation. `failures` consecutive failures (a throw or
 * a blown time budget) open the breaker for `cooldownMs`; after that it is half-open: the arm
 * is eligible again, one success closes it, one failure reopens it at once. Each gateway
 * keeps its own breakers: failures are usually local (a model that did not load, a slow host).
 */

export type BreakerStatus = 'closed' | 'open' | 'half-open';

export interface BreakerState {
  readonly status: BreakerStatus;
  readonly consecutiveFailures: number;
  /** While open: when the arm comes back (half-open), ms epoch. */
  readonly openUntil: number | null;
  readonly lastFailure: string | null;
}

interface ArmBreaker {
  consecutiveFailures: number;
  openUntil: number | null;
  lastFailure: string | null;
}

export class CircuitBreaker {
  readonly #arms = new Map<string, ArmBreaker>();

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** False while the arm's breaker is open. */
  allows(arm: string): boolean {
    const b = this.#arms.get(arm);
    return !b || b.openUntil === null || this.now() >= b.openUntil;
  }

  success(arm: string): void {
    this.#arms.delete(arm);
  }

  failure(arm: string, reason: string): void {
    const b = this.#arms.get(arm) ?? { consecutiveFailures: 0, openUntil: null, lastFailure: null };
    b.consecutiveFailures++;
    b.lastFailure = reason.slice(0, 200);
    if (b.consecutiveFailures >= this.failures) b.openUntil = this.now() + this.cooldownMs;
    this.#arms.set(arm, b);
  }

  state(arm: string): BreakerState {
    const b = this.#arms.get(arm);
    if (!b) return { status: 'closed', consecutiveFailures: 0, openUntil: null, lastFailure: null };
    const status: BreakerStatus = b.openUntil === null ? 'closed' : this.now() < b.openUntil ? 'open' : 'half-open';
    return { status, consecutiveFailures: b.consecutiveFailures, openUntil: status === 'open' ? b.openUntil : null, lastFailure: b.lastFailure };
  }
}
