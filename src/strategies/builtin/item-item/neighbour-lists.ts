/**
 * Each item's strongest neighbours, in compressed sparse rows: item i owns entries
 * start[i] .. start[i + 1] - 1, strongest first. This is both the artifact and what serving reads.
 */
import { topEligible } from '../cf/top-k.js';

export interface NeighbourLists {
  readonly start: Int32Array;
  readonly items: Int32Array;
  readonly weights: Float32Array;
}

/** Builds the lists row by row; rows must be added in item order. */
export class NeighbourListsBuilder {
  readonly #start: Int32Array;
  readonly #items: number[] = [];
  readonly #weights: number[] = [];
  #rows = 0;

  constructor(
    itemCount: number,
    private readonly keep: number,
  ) {
    this.#start = new Int32Array(itemCount + 1);
  }

  /**
   * Adds row `item`: the `keep` largest positive weights among `candidates` (item indices,
   * ascending, so ties go to the lower index) with their `weights`, the item itself left out.
   */
  addRow(item: number, candidates: ArrayLike<number>, weights: Float64Array): void {
    const top = topEligible(weights, this.keep, (c) => candidates[c] !== item && weights[c]! > 0);
    for (const { index, score } of top) {
      this.#items.push(candidates[index]!);
      this.#weights.push(score);
    }
    this.#rows = item + 1;
    this.#start[this.#rows] = this.#items.length;
  }

  build(): NeighbourLists {
    for (let r = this.#rows; r < this.#start.length - 1; r++) this.#start[r + 1] = this.#items.length;
    return { start: this.#start, items: Int32Array.from(this.#items), weights: Float32Array.from(this.#weights) };
  }
}
