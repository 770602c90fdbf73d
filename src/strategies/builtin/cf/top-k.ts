/**
 * The k best eligible items of a score vector. A min-heap of size k means eligibility (the
 * exclusion set, the catalogue filter) is only checked for items that would enter the slate,
 * so a 10k-item catalogue costs a pass over the scores and a few hundred lookups.
 */
export interface RankedIndex {
  readonly index: number;
  readonly score: number;
}

/** Ties go to the lower index, so slates are reproducible. */
const worse = (a: RankedIndex, b: RankedIndex): boolean => a.score < b.score || (a.score === b.score && a.index > b.index);

export function topEligible(scores: Float64Array, k: number, eligible: (index: number) => boolean): RankedIndex[] {
  if (k <= 0) return [];
  const heap: RankedIndex[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (!Number.isFinite(score)) continue;
    // Scanning indices upwards, an equal score never beats the heap's minimum.
    if (heap.length === k && score <= heap[0]!.score) continue;
    if (!eligible(i)) continue;
    const entry = { index: i, score };
    if (heap.length < k) {
      heap.push(entry);
      siftUp(heap, heap.length - 1);
    } else {
      heap[0] = entry;
      siftDown(heap, 0);
    }
  }
  return heap.sort((a, b) => b.score - a.score || a.index - b.index);
}

function siftUp(heap: RankedIndex[], at: number): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!worse(heap[at]!, heap[parent]!)) return;
    [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
    at = parent;
  }
}

function siftDown(heap: RankedIndex[], at: number): void {
  for (;;) {
    const left = 2 * at + 1;
    const right = left + 1;
    let smallest = at;
    if (left < heap.length && worse(heap[left]!, heap[smallest]!)) smallest = left;
    if (right < heap.length && worse(heap[right]!, heap[smallest]!)) smallest = right;
    if (smallest === at) return;
    [heap[at], heap[smallest]] = [heap[smallest]!, heap[at]!];
    at = smallest;
  }
}
