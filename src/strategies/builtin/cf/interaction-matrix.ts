/**
 * The user x item matrix of net interaction weights, in compressed sparse form both ways
 * (CSR for the user sweep, CSC for the item sweep). Duplicate (user, item) pairs add up, so
 * three purchases weigh three times one; pairs that net to zero carry no signal and are dropped.
 */
import type { InteractionReader, InteractionRecord } from '../../contract.js';

/** Rows of a sparse matrix: row r owns entries start[r] .. start[r + 1] - 1. */
export interface SparseRows {
  readonly start: Int32Array;
  readonly columns: Int32Array;
  readonly weights: Float32Array;
}

export interface InteractionMatrix {
  /** Sorted, so the same data gives the same indices whatever the scan order. */
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly byUser: SparseRows;
  readonly byItem: SparseRows;
  /** Newest interaction used, ms epoch; null when there was none. */
  readonly trainedUntil: number | null;
}

/** Reads every interaction into the matrix; throws `aborted()` as soon as `signal` is aborted between batches. */
export async function readInteractionMatrix(reader: InteractionReader, signal: AbortSignal, aborted: () => Error): Promise<InteractionMatrix> {
  const builder = new InteractionMatrixBuilder();
  for await (const batch of reader.scan()) {
    if (signal.aborted) throw aborted();
    for (const record of batch) builder.add(record);
  }
  return builder.build();
}

/** Accumulates records batch by batch, so the reader's batches can be dropped as we go. */
export class InteractionMatrixBuilder {
  readonly #users = new Map<string, number>();
  readonly #items = new Map<string, number>();
  #userOf: number[] = [];
  #itemOf: number[] = [];
  #weightOf: number[] = [];
  #trainedUntil: number | null = null;

  add(record: InteractionRecord): void {
    // Weight 0 means "seen, no preference": ALS already treats every unobserved cell that way.
    if (record.weight === 0 || !Number.isFinite(record.weight)) return;
    this.#userOf.push(this.#indexOf(this.#users, record.userId));
    this.#itemOf.push(this.#indexOf(this.#items, record.itemId));
    this.#weightOf.push(record.weight);
    if (this.#trainedUntil === null || record.occurredAt > this.#trainedUntil) this.#trainedUntil = record.occurredAt;
  }

  #indexOf(ids: Map<string, number>, id: string): number {
    let index = ids.get(id);
    if (index === undefined) {
      index = ids.size;
      ids.set(id, index);
    }
    return index;
  }

  build(): InteractionMatrix {
    const userIds = [...this.#users.keys()].sort();
    const itemIds = [...this.#items.keys()].sort();
    const userRank = rankOf(this.#users, userIds);
    const itemRank = rankOf(this.#items, itemIds);
    const n = this.#weightOf.length;
    const rows = new Int32Array(n);
    const cols = new Int32Array(n);
    const weights = new Float64Array(n);
    for (let e = 0; e < n; e++) {
      rows[e] = userRank[this.#userOf[e]!]!;
      cols[e] = itemRank[this.#itemOf[e]!]!;
      weights[e] = this.#weightOf[e]!;
    }
    const byUser = compress(rows, cols, weights, userIds.length);
    const byItem = transpose(byUser, itemIds.length);
    return { userIds, itemIds, byUser, byItem, trainedUntil: this.#trainedUntil };
  }
}

function rankOf(ids: Map<string, number>, sorted: readonly string[]): Int32Array {
  const rank = new Int32Array(sorted.length);
  sorted.forEach((id, r) => (rank[ids.get(id)!] = r));
  return rank;
}

/** COO -> CSR with columns ascending in each row and duplicates summed (in arrival order). */
function compress(rows: Int32Array, cols: Int32Array, weights: Float64Array, rowCount: number): SparseRows {
  const count = new Int32Array(rowCount + 1);
  for (let e = 0; e < rows.length; e++) count[rows[e]! + 1]!++;
  for (let r = 0; r < rowCount; r++) count[r + 1]! += count[r]!;
  const order = new Int32Array(rows.length);
  const fill = count.slice(0, rowCount);
  for (let e = 0; e < rows.length; e++) order[fill[rows[e]!]!++] = e;

  const start = new Int32Array(rowCount + 1);
  const outCols: number[] = [];
  const outWeights: number[] = [];
  const entries: number[] = [];
  for (let r = 0; r < rowCount; r++) {
    entries.length = 0;
    for (let p = count[r]!; p < count[r + 1]!; p++) entries.push(order[p]!);
    // Stable sort by column keeps arrival order among duplicates: sums are reproducible.
    entries.sort((a, b) => cols[a]! - cols[b]! || a - b);
    let i = 0;
    while (i < entries.length) {
      const col = cols[entries[i]!]!;
      let sum = 0;
      while (i < entries.length && cols[entries[i]!] === col) sum += weights[entries[i++]!]!;
      if (sum !== 0) {
        outCols.push(col);
        outWeights.push(sum);
      }
    }
    start[r + 1] = outCols.length;
  }
  return { start, columns: Int32Array.from(outCols), weights: Float32Array.from(outWeights) };
}

/** CSR -> CSC. Walking rows in order leaves every column's rows ascending. */
export function transpose(m: SparseRows, columnCount: number): SparseRows {
  const start = new Int32Array(columnCount + 1);
  for (let e = 0; e < m.columns.length; e++) start[m.columns[e]! + 1]!++;
  for (let c = 0; c < columnCount; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, columnCount);
  const columns = new Int32Array(m.columns.length);
  const weights = new Float32Array(m.columns.length);
  const rowCount = m.start.length - 1;
  for (let r = 0; r < rowCount; r++) {
    for (let e = m.start[r]!; e < m.start[r + 1]!; e++) {
      const at = fill[m.columns[e]!]!++;
      columns[at] = r;
      weights[at] = m.weights[e]!;
    }
  }
  return { start, columns, weights };
}
