/**
 * Which TensorFlow.js backend this process computes with, chosen once at run time.
 *
 * The chain is `@tensorflow/tfjs-node-gpu` -> `@tensorflow/tfjs-node` -> wasm -> cpu. The native
 * packages are optional: their install script downloads libtensorflow from Google's host, so
 * where that host is unreachable they are simply absent and `require()` throws a catchable
 * `MODULE_NOT_FOUND`; we then fall through to the wasm backend (one thread, SIMD when the CPU
 * has it), and to the pure-JS cpu backend only when wasm cannot start either.
 *
 * `RECGATE_TF_BACKEND=node-gpu|node|wasm|cpu` forces one backend: if it cannot start, that is a
 * configuration error, never a silent fallback.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import { rgError } from '../errors.js';

/** The TensorFlow.js API object; a native backend brings its own (same API, same engine). */
export type Tf = typeof tfjs;

/** The function `tf.customGrad` takes (its inputs typed loosely by tfjs: cast at the call). */
export type CustomGradient = Parameters<Tf['customGrad']>[0];

export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface TensorflowRuntime {
  readonly tf: Tf;
  readonly backend: BackendName;
  /** Whether the wasm backend runs its SIMD build; undefined for the other backends. */
  readonly simd?: boolean;
}

export interface InitTensorflowOptions {
  /**
   * Backends to try, in order. Ignored when `RECGATE_TF_BACKEND` is set.
   * @default ['node-gpu', 'node', 'wasm', 'cpu']
   */
  readonly prefer?: readonly BackendName[];
  /** Environment to read `RECGATE_TF_BACKEND` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Environment variable that forces one backend. */
export const TF_BACKEND_ENV = 'RECGATE_TF_BACKEND';

const require = createRequire(import.meta.url);
let runtime: Promise<TensorflowRuntime> | null = null;
let chosen: BackendName | null = null;

/**
 * Start TensorFlow.js on the best backend available. Idempotent: the backend is process-wide,
 * so the first call decides and later calls get the same (cached) runtime whatever they prefer.
 */
export function initTensorflow(options: InitTensorflowOptions = {}): Promise<TensorflowRuntime> {
  if (!runtime) {
    runtime = selectBackend(options).then(
      (r) => {
        chosen = r.backend;
        return r;
      },
      (error: unknown) => {
        runtime = null; // a failed start (bad env var) may be retried after fixing it
        throw error;
      },
    );
  }
  return runtime;
}

/** The backend `initTensorflow` settled on, or null before it has. */
export function tensorflowBackendName(): BackendName | null {
  return chosen;
}

async function selectBackend(options: InitTensorflowOptions): Promise<TensorflowRuntime> {
  const forced = (options.env ?? process.env)[TF_BACKEND_ENV];
  if (forced !== undefined && forced !== '') {
    if (!(BACKEND_NAMES as readonly string[]).includes(forced)) {
      throw rgError('RG_ERR_CONFIG', {
        reason: `${TF_BACKEND_ENV}="${forced}" is not one of ${BACKEND_NAMES.join(', ')}`,
      });
    }
    try {
      return await startBackend(forced as BackendName);
    } catch (error) {
      throw rgError('RG_ERR_CONFIG', { reason: `${TF_BACKEND_ENV}=${forced} but that backend cannot start (${describe(error)})` }, { cause: error });
    }
  }
  const failures: string[] = [];
  for (const name of options.prefer ?? BACKEND_NAMES) {
    try {
      return await startBackend(name);
    } catch (error) {
      failures.push(`${name}: ${describe(error)}`);
    }
  }
  throw rgError('RG_ERR_CONFIG', { reason: `no TensorFlow.js backend could start (${failures.join('; ')})` });
}

async function startBackend(name: BackendName): Promise<TensorflowRuntime> {
  switch (name) {
    case 'node-gpu':
    case 'node': {
      // A native package registers the "tensorflow" backend in the engine it shares with
      // @tensorflow/tfjs (the engine lives on the global object), and re-exports the full API.
      const tf = require(name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu') as Tf;
      if (!(await tf.setBackend('tensorflow'))) throw new Error('the "tensorflow" backend did not initialise');
      await tf.ready();
      return { tf, backend: name };
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node, threads need a worker set-up the package does not ship, and gave no gain for
      // training here: one thread per process, parallelism comes from processes.
      tfjs.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(1);
      wasm.setWasmPaths(wasmDistFolder());
      if (!(await tfjs.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      await tfjs.ready();
      const simd = (await tfjs.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      return { tf: tfjs, backend: 'wasm', simd };
    }
    case 'cpu': {
      // We report the backend ourselves; PROD silences tfjs's "install tfjs-node" banner.
      tfjs.env().set('PROD', true);
      if (!(await tfjs.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      await tfjs.ready();
      return { tf: tfjs, backend: 'cpu' };
    }
  }
}

/** The folder holding the package's .wasm binaries, with a trailing separator. */
function wasmDistFolder(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && error.code === 'MODULE_NOT_FOUND') {
    return 'not installed';
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

export interface WarmUpOptions {
  /** Scoring calls to run. @default 1000 */
  readonly rounds?: number;
  /** Rows of the stand-in item matrix. @default 2048 */
  readonly items?: number;
  /** Vector dimension. @default 64 */
  readonly dim?: number;
  /** How many top items each call takes. @default 50 */
  readonly k?: number;
}

/**
 * Run the serving path's kernels (matMul of one vector against an item matrix, then topk) for a
 * while, so the first real requests do not pay for the wasm runtime's warm-up (the first
 * ~1,000 calls have a slow tail). Returns the milliseconds spent. Leaves no tensors behind.
 */
export function warmUpTensorflow(tf: Tf, options: WarmUpOptions = {}): number {
  const { rounds = 1000, items = 2048, dim = 64, k = 50 } = options;
  const started = performance.now();
  const matrix = tf.ones([dim, items]);
  const user = tf.ones([1, dim]);
  try {
    for (let i = 0; i < rounds; i++) {
      const { values, indices } = tf.tidy(() => tf.topk(tf.matMul(user, matrix).reshape([items]), Math.min(k, items)));
      values.dataSync();
      indices.dataSync();
      values.dispose();
      indices.dispose();
    }
  } finally {
    matrix.dispose();
    user.dispose();
  }
  return performance.now() - started;
}
