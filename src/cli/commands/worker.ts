import type { Command } from 'commander';

/** `recgate worker`: runs train / evaluate / adapt jobs from Redis until stopped. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run background jobs from the queues in REDIS_URL (training runs in a child process per job; adapt jobs in this process)')
    .option('--queues <names>', 'comma-separated: train,evaluate,adapt (default: all three)')
    .option('--concurrency <n>', 'jobs per queue at once', '1')
    .action(async (options: { queues?: string; concurrency: string }) => {
      const { runWorker } = await import('../run-worker.js');
      await runWorker(options);
    });
}
