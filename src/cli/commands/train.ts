import type { Command } from 'commander';

/** `recgate train <strategy>`: queue (Redis) or run (embedded) one training, with a progress bar. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('Train a strategy: queued for a worker with REDIS_URL, else run here; promoted only if it beats the live version')
    .argument('<strategy>', 'strategy name, e.g. two-tower')
    .option('--wait', 'with REDIS_URL: wait for the worker and show progress (without Redis it always waits)')
    .option('--force', 'train even if the data is unchanged since the live version')
    .option('--params <json>', 'params for this run, as a JSON object')
    .option('--search', 'search the params on a validation split first and train with the best (docs/model-search.md)')
    .option('--budget <duration>', 'time the search may take, like 90s, 10m or 1h (default 10m; implies --search)')
    .option('--trials <n>', 'stop the search after n trials even if budget remains (implies --search)')
    .action(async (strategy: string, options: { wait?: boolean; force?: boolean; params?: string; search?: boolean; budget?: string; trials?: string }) => {
      const { runTrain } = await import('../run-train.js');
      await runTrain(strategy, options);
    });
}
