/**
 * A worker in a process of its own for the tests that kill one: `startWorkers` with short
 * lock and stall intervals (so a dead worker's job is retried within seconds), configured
 * from the environment like `npx recgate worker`. Prints "ready" once listening.
 */
import { loadConfig } from '../../src/config/index.js';
import { startWorkers } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/logger.js';

const running = await startWorkers({
  config: loadConfig(),
  queues: ['train'],
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  log: createLogger(),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
