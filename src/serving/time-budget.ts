/** Resolves with the work's result, or rejects with `TimeBudgetExceeded` after `ms`. */
export class TimeBudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`exceeded its time budget of ${budgetMs} ms`);
  }
}

export function withTimeBudget<T>(work: () => Promise<T> | T, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeBudgetExceeded(ms)), ms);
    Promise.resolve()
      .then(work)
      .then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
}
