/**
 * Entry of the child process a worker forks per train or evaluate job, so the worker's own
 * event loop stays free to renew job locks while a model trains. The child reads the same
 * environment, fits (a train job's artifact comes back to the worker, which stores it) or
 * evaluates, and exits. If the worker dies, the IPC channel closes and the child exits with it: the
 * job's lock expires and another worker retries it from scratch.
 */
import { loadConfig } from '../config/index.js';
import { isRecgateError } from '../errors.js';
import type { FromChild, ToChild } from './child-messages.js';
import { parseJobPayload } from './job-definitions.js';
import { openProcessorDeps } from './processor-deps.js';
import { processEvaluateJob } from './processors/evaluate-processor.js';
import { fitTrainJob } from './processors/train-processor.js';

const send = (message: FromChild): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

const controller = new AbortController();
process.on('disconnect', () => process.exit(1));

process.on('message', (message: ToChild) => {
  if (message.type === 'cancel') controller.abort();
  else void run(message.queue, message.payload);
});

async function run(queue: 'train' | 'evaluate', raw: unknown): Promise<void> {
  let exitCode = 0;
  const deps = await openProcessorDeps(loadConfig()).catch(async (error: unknown) => {
    await report(error);
    process.exit(1);
  });
  try {
    const options = { signal: controller.signal, onProgress: (progress: { phase: string; percent: number }) => void send({ type: 'progress', progress }) };
    const result =
      queue === 'train'
        ? await fitTrainJob(deps, parseJobPayload('train', raw), options)
        : await processEvaluateJob(deps, parseJobPayload('evaluate', raw), options);
    await send({ type: 'result', result });
  } catch (error) {
    exitCode = 1;
    await report(error);
  } finally {
    await deps.close().catch(() => {});
  }
  process.exit(exitCode);
}

async function report(error: unknown): Promise<void> {
  await send(
    isRecgateError(error)
      ? { type: 'error', code: error.code, details: error.details, message: error.message }
      : { type: 'error', code: null, details: {}, message: error instanceof Error ? error.message : String(error) },
  );
}
