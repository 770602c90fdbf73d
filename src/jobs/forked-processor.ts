/**
 * Runs a train or evaluate job in a child process (`training-child.ts`) and relays its
 * progress, result, failure and cancellation.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rgError, ERRORS, type ErrorCode } from '../errors.js';
import type { ChildQueue, FromChild, ToChild } from './child-messages.js';
import type { JobRunOptions } from './processors/train-processor.js';

const CHILD_ENTRY = fileURLToPath(new URL('./training-child.ts', import.meta.url));
/** The sources are TypeScript: the child loads tsx exactly as `bin/recgate.mjs` does. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** After a cancel, how long the child may take to stop between steps before it is killed. */
const CANCEL_GRACE_MS = 10_000;

export interface ForkOptions extends JobRunOptions {
  /** The child's environment (its configuration). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export function runInChildProcess<R>(queue: ChildQueue, payload: unknown, options: ForkOptions): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const child = fork(CHILD_ENTRY, [], {
      execArgv: ['--import', TSX_LOADER],
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let settled = false;
    let killTimer: NodeJS.Timeout | null = null;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      action();
    };
    const onAbort = (): void => {
      if (child.connected) child.send({ type: 'cancel' } satisfies ToChild);
      killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
      killTimer.unref();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });

    child.on('message', (message: FromChild) => {
      if (message.type === 'progress') options.onProgress(message.progress);
      else if (message.type === 'result') finish(() => resolve(message.result as R));
      else finish(() => reject(message.code && message.code in ERRORS ? rgError(message.code as ErrorCode, message.details) : new Error(message.message)));
    });
    child.on('error', (error) => finish(() => reject(error)));
    child.on('exit', (code, signal) =>
      finish(() => reject(new Error(`the ${queue} process exited (${signal ?? `code ${code}`}) before it reported a result`))),
    );
    child.send({ type: 'run', queue, payload } satisfies ToChild);
    if (options.signal.aborted) onAbort();
  });
}
