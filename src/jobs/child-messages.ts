/**
 * The messages between a worker and the child process that trains (or evaluates) for it.
 * The channel uses structured clone ('advanced' serialization): artifacts travel as bytes.
 */
import type { ErrorDetails } from '../errors.js';
import type { JobProgress } from './job-definitions.js';

export type ChildQueue = 'train' | 'evaluate';

export type ToChild = { readonly type: 'run'; readonly queue: ChildQueue; readonly payload: unknown } | { readonly type: 'cancel' };

export type FromChild =
  | { readonly type: 'progress'; readonly progress: JobProgress }
  | { readonly type: 'result'; readonly result: unknown }
  | { readonly type: 'error'; readonly code: string | null; readonly details: ErrorDetails; readonly message: string };
