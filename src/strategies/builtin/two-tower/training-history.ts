/**
 * Which earlier examples are an example's history in training: what the user tower would have
 * seen at serving time just before the example's interaction.
 */
import type { ItemFeatureRows } from './item-features.js';
import type { AddHistoryItem } from './tower-inputs.js';
import type { TrainingExamples } from './training-examples.js';

/**
 * The examples whose items are e's history, most recent first, at most `length`: the same
 * user's other items of the same moment (nearest in reader order first, wrapping round), then
 * the items before it. At serving time everything up to now is history, including items that
 * came with the predicted one's moment; without this, a dataset with one timestamp for every
 * row would train the user tower on arbitrary prefixes of reader order.
 *
 * Examples marked in `hidden` (the validation users' held-out positives) are never history:
 * as history in training they would pull their item's id row (shared by both towers) towards
 * the user's other items, and validation would reward that memory instead of generalisation.
 */
export function* historyOf(examples: TrainingExamples, e: number, length: number, hidden: Uint8Array | null = null): Generator<number> {
  let left = length;
  const tieStart = examples.tieStart[e]!;
  const tieEnd = examples.tieEnd[e]!;
  const hiddenAt = (p: number): boolean => hidden !== null && hidden[p] === 1;
  for (let p = e - 1; p >= tieStart && left > 0; p--) {
    if (hiddenAt(p)) continue;
    left--;
    yield p;
  }
  for (let p = tieEnd - 1; p > e && left > 0; p--) {
    if (hiddenAt(p)) continue;
    left--;
    yield p;
  }
  for (let p = tieStart - 1; p >= examples.userStart[e]! && left > 0; p--) {
    if (hiddenAt(p)) continue;
    left--;
    yield p;
  }
}

/** Adds the history of example e (`historyOf`) to a user-tower input being filled. */
export function addExampleHistory(
  examples: TrainingExamples,
  features: ItemFeatureRows,
  e: number,
  length: number,
  add: AddHistoryItem,
  hidden: Uint8Array | null = null,
): void {
  for (const p of historyOf(examples, e, length, hidden)) {
    const row = examples.itemRows[p]!;
    add(row, examples.weights[p]!, row, features.tokenIds, features.tokenStart[row]!, features.wordEnd[row]!, features.wordWeight[row]!);
  }
}
