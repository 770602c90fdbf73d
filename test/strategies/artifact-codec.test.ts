import { describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import { decodeArtifact, encodeArtifact } from '../../src/strategies/artifact-codec.js';
import type { Artifact } from '../../src/strategies/contract.js';

const artifact: Artifact = {
  json: { format: 'test/1', ids: ['a', 'b', 'é'], nested: { k: 3, ok: true, none: null, neg: -1.5e-7 } },
  arrays: {
    weights: Float32Array.from([1.5, -2.25, Math.PI, 0, Number.MIN_VALUE]),
    // Odd length: the next array must still start aligned.
    offsets: Int32Array.from([0, 3, -7]),
    empty: new Float32Array(0),
  },
};

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return isRecgateError(error) ? error.code : `untyped: ${String(error)}`;
  }
  return 'no error';
}

describe('artifact codec', () => {
  it('round-trips json and typed arrays exactly', () => {
    const decoded = decodeArtifact(encodeArtifact(artifact));
    expect(decoded.json).toEqual(artifact.json);
    expect(Object.keys(decoded.arrays).sort()).toEqual(['empty', 'offsets', 'weights']);
    expect(decoded.arrays.weights).toBeInstanceOf(Float32Array);
    expect(decoded.arrays.offsets).toBeInstanceOf(Int32Array);
    expect([...decoded.arrays.weights!]).toEqual([...artifact.arrays.weights!]);
    expect([...decoded.arrays.offsets!]).toEqual([0, 3, -7]);
    expect(decoded.arrays.empty!.length).toBe(0);
  });

  it('gives the same bytes whatever order the arrays were added in', () => {
    const reordered: Artifact = {
      json: artifact.json,
      arrays: { empty: artifact.arrays.empty!, offsets: artifact.arrays.offsets!, weights: artifact.arrays.weights! },
    };
    expect(Buffer.from(encodeArtifact(reordered)).equals(Buffer.from(encodeArtifact(artifact)))).toBe(true);
  });

  it('reads from a Buffer at an odd byte offset (a slice of a pooled buffer)', () => {
    const bytes = encodeArtifact(artifact);
    const pooled = Buffer.alloc(bytes.length + 3);
    pooled.set(bytes, 3);
    const decoded = decodeArtifact(pooled.subarray(3));
    expect([...decoded.arrays.weights!]).toEqual([...artifact.arrays.weights!]);
  });

  it('reads typed arrays that are views into a larger buffer', () => {
    const backing = new Float32Array([9, 8, 7, 6, 5]);
    const decoded = decodeArtifact(encodeArtifact({ json: null, arrays: { view: backing.subarray(1, 4) } }));
    expect([...decoded.arrays.view!]).toEqual([8, 7, 6]);
  });

  it('rejects corrupt input with RG_ERR_ARTIFACT_INVALID', () => {
    const good = encodeArtifact(artifact);
    const flip = (at: number) => {
      const copy = good.slice();
      copy[at]! ^= 0xff;
      return copy;
    };
    const headerLength = new DataView(good.buffer).getUint32(8, true);
    expect(codeOf(() => decodeArtifact(new Uint8Array(0)))).toBe('RG_ERR_ARTIFACT_INVALID');
    expect(codeOf(() => decodeArtifact(flip(0)))).toBe('RG_ERR_ARTIFACT_INVALID'); // magic
    expect(codeOf(() => decodeArtifact(flip(4)))).toBe('RG_ERR_ARTIFACT_INVALID'); // version
    expect(codeOf(() => decodeArtifact(flip(9)))).toBe('RG_ERR_ARTIFACT_INVALID'); // header length
    expect(codeOf(() => decodeArtifact(flip(14)))).toBe('RG_ERR_ARTIFACT_INVALID'); // header JSON
    expect(codeOf(() => decodeArtifact(flip(good.length - 1)))).toBe('RG_ERR_ARTIFACT_INVALID'); // array data (checksum)
    expect(codeOf(() => decodeArtifact(good.subarray(0, good.length - 4)))).toBe('RG_ERR_ARTIFACT_INVALID'); // truncated
    expect(codeOf(() => decodeArtifact(good.subarray(0, 12 + headerLength - 1)))).toBe('RG_ERR_ARTIFACT_INVALID');
    const padded = new Uint8Array(good.length + 8);
    padded.set(good);
    expect(codeOf(() => decodeArtifact(padded))).toBe('RG_ERR_ARTIFACT_INVALID');
  });

  it('refuses to encode what it could not decode faithfully', () => {
    expect(codeOf(() => encodeArtifact({ json: { loss: NaN }, arrays: {} }))).toBe('RG_ERR_ARTIFACT_INVALID');
    expect(codeOf(() => encodeArtifact({ json: { when: new Date(0) as never }, arrays: {} }))).toBe('RG_ERR_ARTIFACT_INVALID');
    expect(codeOf(() => encodeArtifact({ json: null, arrays: { wide: new Float64Array(2) as never } }))).toBe('RG_ERR_ARTIFACT_INVALID');
  });

  it('names the model in the error message', () => {
    let message = '';
    try {
      decodeArtifact(new Uint8Array(3), { label: 'als' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('"als"');
  });
});
