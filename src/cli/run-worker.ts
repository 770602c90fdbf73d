/** The `worker` command: validates its options, starts the workers, stops them on a signal. */
import { loadConfig } from '../config/index.js';
import { rgError } from '../errors.js';
import { parseQueueName } from '../jobs/job-definitions.js';
import { pingRedis, requireRedisUrl } from '../redis/redis-connection.js';
import { startWorkers } from '../jobs/worker.js';
import { createLogger } from '../logger.js';

export async function runWorker(options: { queues?: string; concurrency: string }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const redisUrl = requireRedisUrl(config.redisUrl, 'npx recgate worker');
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw rgError('RG_ERR_INVALID_INPUT', { path: '--concurrency', reason: 'must be an integer from 1 to 64' });
  }
  const queues = options.queues?.split(',').map((q) => parseQueueName(q.trim()));
  await pingRedis(redisUrl);
  const log = createLogger();
  const running = await startWorkers({ config, env, queues, concurrency, log });
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      log.info('worker stopping: finishing active jobs');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
}
