import type { CatalogItem } from '../strategies/contract.js';

/** Float32 little-endian bytes <-> Float32Array, the storage form of item embeddings. */
export function embeddingToBytes(vector: readonly number[] | Float32Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(vector.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return out;
}

export function bytesToEmbedding(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export interface ItemRow {
  externalId: string;
  title: string;
  description: string;
  attributes: unknown;
  embedding: Uint8Array | null;
  active: boolean;
  createdAt: Date;
  categories: ReadonlyArray<{ name: string }>;
}

export function toCatalogItem(row: ItemRow): CatalogItem {
  const attributes = row.attributes && typeof row.attributes === 'object' && !Array.isArray(row.attributes) ? row.attributes : {};
  return Object.freeze({
    id: row.externalId,
    title: row.title,
    description: row.description,
    categories: Object.freeze(row.categories.map((c) => c.name)),
    attributes: attributes as Record<string, unknown>,
    embedding: row.embedding ? bytesToEmbedding(row.embedding) : null,
    active: row.active,
    createdAt: row.createdAt.getTime(),
  });
}
