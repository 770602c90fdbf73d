/**
 * Early stopping's held-out positives stay out of training entirely: not as examples, and not
 * as history of the user's other examples. As history they trained their item's id row (shared
 * by both towers) towards the user's other items, so validation scored memory: on a long-tailed
 * catalogue with one timestamp it kept 8 epochs where 1 ranked test items best (nDCG@10 0.18
 * against 0.26; docs/strategies/two-tower.md, "Why it failed").
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/ml/random.js';
import { buildTrainingExamples } from '../../src/strategies/builtin/two-tower/training-examples.js';
import { historyOf } from '../../src/strategies/builtin/two-tower/training-history.js';
import { chooseValidation, heldOutMask, trainingOrder } from '../../src/strategies/builtin/two-tower/validation.js';
import { longTailTagged } from '../support/synthetic-datasets.js';

describe('two-tower validation hold-out', () => {
  const data = longTailTagged({ users: 120, items: 600, itemsPerUser: 12, topics: 6, seed: 5 });
  const examples = buildTrainingExamples(data.interactions);
  const validation = chooseValidation(examples, createRandom(9))!;
  const hidden = heldOutMask(examples, validation)!;

  it('holds one positive out per validation user', () => {
    expect(validation.heldOut.length).toBeGreaterThanOrEqual(50);
    expect(hidden.reduce((a, b) => a + b, 0)).toBe(validation.heldOut.length);
    expect(trainingOrder(examples, validation).length).toBe(examples.count - validation.heldOut.length);
  });

  it('never gives a held-out positive as history in training', () => {
    let histories = 0;
    for (const e of trainingOrder(examples, validation)) {
      for (const p of historyOf(examples, e, 30, hidden)) {
        expect(hidden[p]).toBe(0);
        histories++;
      }
    }
    expect(histories).toBeGreaterThan(examples.count); // the histories are not simply empty
    // Without the mask, the same-moment history of a validation user's other examples holds it.
    const e = validation.heldOut[0]!;
    const other = examples.tieStart[e] === e ? e + 1 : examples.tieStart[e]!;
    expect([...historyOf(examples, other, 1000)]).toContain(e);
    expect([...historyOf(examples, other, 1000, hidden)]).not.toContain(e);
  });

  it("ranks a held-out positive with all of its user's other positives as history", () => {
    const e = validation.heldOut[0]!;
    let others = 0;
    for (let p = 0; p < examples.count; p++) if (p !== e && examples.userStart[p] === examples.userStart[e]) others++;
    expect([...historyOf(examples, e, 1000)]).toHaveLength(others);
  });
});
