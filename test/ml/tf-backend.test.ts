import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import { initTensorflow, tensorflowBackendName, TF_BACKEND_ENV, warmUpTensorflow } from '../../src/ml/tf-backend.js';

const require = createRequire(import.meta.url);
const installed = (name: string): boolean => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

// The backend is process-wide, so the order of these tests matters: failed starts first (they
// leave nothing cached), then the one start that sticks.
describe('initTensorflow', () => {
  it('rejects an unknown forced backend with a coded error', async () => {
    const error = await initTensorflow({ env: { [TF_BACKEND_ENV]: 'tpu' } }).catch((e: unknown) => e);
    expect(isRecgateError(error) && error.code).toBe('RG_ERR_CONFIG');
    expect(String(error)).toContain(TF_BACKEND_ENV);
  });

  it.skipIf(installed('@tensorflow/tfjs-node'))('fails loudly when the forced native backend is not installed', async () => {
    const error = await initTensorflow({ env: { [TF_BACKEND_ENV]: 'node' } }).catch((e: unknown) => e);
    expect(isRecgateError(error) && error.code).toBe('RG_ERR_CONFIG');
    expect(String(error)).toContain('not installed');
    expect(tensorflowBackendName()).toBeNull();
  });

  it('walks the chain past missing native packages, then caches the result', async () => {
    const first = await initTensorflow({ env: {} });
    const expected = installed('@tensorflow/tfjs-node-gpu') ? 'node-gpu' : installed('@tensorflow/tfjs-node') ? 'node' : 'wasm';
    expect(first.backend).toBe(expected);
    if (first.backend === 'wasm') {
      expect(first.tf.getBackend()).toBe('wasm');
      expect(typeof first.simd).toBe('boolean');
    }
    expect(tensorflowBackendName()).toBe(first.backend);
    // Idempotent: later calls get the same runtime whatever they prefer.
    const again = await initTensorflow({ prefer: ['cpu'] });
    expect(again).toBe(first);
  });

  it('warms up without leaving tensors behind', async () => {
    const { tf } = await initTensorflow();
    const before = tf.memory().numTensors;
    expect(warmUpTensorflow(tf, { rounds: 20, items: 100, dim: 8, k: 5 })).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
