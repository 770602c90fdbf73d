/**
 * The host's byte format for model artifacts, so the model store, workers and the conformance
 * suite all move models the same way:
 *
 *   "RGAF" | u32 format version | u32 header length | header (UTF-8 JSON) | padding | arrays
 *
 * The header holds the artifact's `json` and, per typed array, its name, element type, byte
 * offset and length. Each array starts on an 8-byte boundary so a reader can view it in place.
 * All integers and array elements are little-endian. A CRC-32 of the array section, kept in
 * the header, catches truncated or bit-flipped files that are still structurally valid.
 */
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { rgError } from '../errors.js';
import type { Artifact, JsonValue } from './contract.js';

const MAGIC = [0x52, 0x47, 0x41, 0x46] as const; // "RGAF"
export const ARTIFACT_FORMAT_VERSION = 1;
const PREAMBLE_BYTES = 12;
const ALIGN = 8;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type ArrayType = 'float32' | 'int32';

const headerSchema = z.object({
  json: z.unknown(),
  arrays: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['float32', 'int32']),
      offset: z.number().int().nonnegative(),
      length: z.number().int().nonnegative(),
    }),
  ),
  dataBytes: z.number().int().nonnegative(),
  crc32: z.number().int().nonnegative(),
});

export interface ArtifactCodecOptions {
  /** Names the model in error messages ("Model artifact for <label> cannot be read"). @default "artifact" */
  readonly label?: string;
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

function invalid(label: string, reason: string): Error {
  return rgError('RG_ERR_ARTIFACT_INVALID', { name: label, reason });
}

/** JSON.stringify would turn NaN/Infinity into null and drop undefined: refuse instead of losing data. */
function assertPlainJson(value: unknown, path: string, label: string): asserts value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(label, `json${path} is ${value}, which JSON cannot hold`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlainJson(v, `${path}[${i}]`, label));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) assertPlainJson(v, `${path}.${k}`, label);
    return;
  }
  throw invalid(label, `json${path} is a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}, not plain JSON`);
}

function arrayType(values: unknown): ArrayType | null {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return null;
}

function bytesOf(values: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  const float = values instanceof Float32Array;
  for (let i = 0; i < values.length; i++) {
    if (float) view.setFloat32(i * 4, values[i]!, true);
    else view.setInt32(i * 4, values[i]!, true);
  }
  return out;
}

/** Serialises an artifact. Throws `RG_ERR_ARTIFACT_INVALID` for values the format cannot hold. */
export function encodeArtifact(artifact: Artifact, options: ArtifactCodecOptions = {}): Uint8Array {
  const label = options.label ?? 'artifact';
  assertPlainJson(artifact.json, '', label);
  // Sorted names: the same artifact always gives the same bytes, whatever the insertion order.
  const names = Object.keys(artifact.arrays).sort();
  const entries: { name: string; type: ArrayType; offset: number; length: number; bytes: Uint8Array }[] = [];
  let offset = 0;
  for (const name of names) {
    const values = artifact.arrays[name];
    const type = arrayType(values);
    if (!type || !values) throw invalid(label, `array "${name}" is not a Float32Array or Int32Array`);
    entries.push({ name, type, offset, length: values.length, bytes: bytesOf(values) });
    offset = alignUp(offset + values.byteLength);
  }
  const dataBytes = offset;
  const data = new Uint8Array(dataBytes);
  for (const e of entries) data.set(e.bytes, e.offset);

  const header = new TextEncoder().encode(
    JSON.stringify({
      json: artifact.json,
      arrays: entries.map(({ name, type, offset: o, length }) => ({ name, type, offset: o, length })),
      dataBytes,
      crc32: crc32(data),
    }),
  );
  const dataStart = alignUp(PREAMBLE_BYTES + header.length);
  const out = new Uint8Array(dataStart + dataBytes);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, ARTIFACT_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, PREAMBLE_BYTES);
  out.set(data, dataStart);
  return out;
}

function readArray(bytes: Uint8Array, type: ArrayType, length: number): Float32Array | Int32Array {
  // Copy into a fresh buffer: the input may be a pooled Buffer at any byte offset (and
  // Buffer#slice would not copy).
  const fresh = new Uint8Array(bytes.length);
  fresh.set(bytes);
  const copy = fresh.buffer;
  if (LITTLE_ENDIAN_HOST) return type === 'float32' ? new Float32Array(copy, 0, length) : new Int32Array(copy, 0, length);
  const view = new DataView(copy);
  const out = type === 'float32' ? new Float32Array(length) : new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = type === 'float32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}

/** Reads bytes made by `encodeArtifact`. Corrupt or foreign input: `RG_ERR_ARTIFACT_INVALID`. */
export function decodeArtifact(bytes: Uint8Array, options: ArtifactCodecOptions = {}): Artifact {
  const label = options.label ?? 'artifact';
  if (!(bytes instanceof Uint8Array)) throw invalid(label, 'expected bytes (a Uint8Array)');
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) throw invalid(label, 'not a recgate artifact (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== ARTIFACT_FORMAT_VERSION) {
    throw invalid(label, `format version ${version}; this recgate reads version ${ARTIFACT_FORMAT_VERSION}`);
  }
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE_BYTES + headerLength > bytes.length) throw invalid(label, 'truncated header');

  let parsedHeader: unknown;
  try {
    parsedHeader = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch {
    throw invalid(label, 'header is not UTF-8 JSON');
  }
  const header = headerSchema.safeParse(parsedHeader);
  if (!header.success) throw invalid(label, `malformed header (${header.error.issues[0]?.message ?? 'invalid'})`);
  const { json, arrays, dataBytes } = header.data;

  const dataStart = alignUp(PREAMBLE_BYTES + headerLength);
  if (dataStart + dataBytes !== bytes.length) {
    throw invalid(label, `expected ${dataStart + dataBytes} bytes, got ${bytes.length} (truncated or padded)`);
  }
  const data = bytes.subarray(dataStart);
  if (crc32(data) !== header.data.crc32) throw invalid(label, 'checksum mismatch (the array data is corrupt)');

  const out: Record<string, Float32Array | Int32Array> = {};
  for (const a of arrays) {
    const byteLength = a.length * 4;
    if (a.offset % ALIGN !== 0 || a.offset + byteLength > dataBytes) throw invalid(label, `array "${a.name}" lies outside the data section`);
    if (Object.hasOwn(out, a.name) || a.name === '__proto__') throw invalid(label, `array name "${a.name}" is repeated or reserved`);
    out[a.name] = readArray(data.subarray(a.offset, a.offset + byteLength), a.type, a.length);
  }
  return { json: json as JsonValue, arrays: out };
}
