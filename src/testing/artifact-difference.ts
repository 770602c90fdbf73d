/**
 * Compares two artifacts the strict way the conformance suite needs: equal JSON and
 * byte-identical typed arrays of the same kind (so NaN payloads and -0 count too).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Artifact } from '../strategies/contract.js';

const bytes = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The first difference in words, or null when the artifacts are identical. */
export function describeArtifactDifference(a: Artifact, b: Artifact): string | null {
  if (!isDeepStrictEqual(a.json, b.json)) return 'the json parts differ';
  const namesA = Object.keys(a.arrays).sort();
  const namesB = Object.keys(b.arrays).sort();
  if (!isDeepStrictEqual(namesA, namesB)) return `array names differ: [${namesA.join(', ')}] vs [${namesB.join(', ')}]`;
  for (const name of namesA) {
    const x = a.arrays[name]!;
    const y = b.arrays[name]!;
    if (x.constructor !== y.constructor) return `array "${name}" is a ${x.constructor.name} in one and a ${y.constructor.name} in the other`;
    if (x.length !== y.length) return `array "${name}" has ${x.length} vs ${y.length} elements`;
    const bx = bytes(x);
    const by = bytes(y);
    for (let i = 0; i < bx.length; i++) {
      if (bx[i] !== by[i])
        return `array "${name}" differs at element ${Math.floor(i / x.BYTES_PER_ELEMENT)} (${x[Math.floor(i / x.BYTES_PER_ELEMENT)]} vs ${y[Math.floor(i / x.BYTES_PER_ELEMENT)]})`;
    }
  }
  return null;
}
