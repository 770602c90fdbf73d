import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRecgateError, type ErrorCode, type RecgateError } from '../../../src/errors.js';
import { readObdFeedback } from '../../../src/evaluation/off-policy/index.js';
import { BTS_LOG, dropColumn, RANDOM_LOG, removeTemporaryFolders, setCell, temporaryFolder, writeObdSlice } from './obd-files.js';

afterAll(removeTemporaryFolders);

async function codedError(promise: Promise<unknown>, code: ErrorCode): Promise<RecgateError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isRecgateError(error), String(error)).toBe(true);
  expect((error as RecgateError).code).toBe(code);
  return error as RecgateError;
}

describe('reading the Open Bandit Dataset layout', () => {
  it('reads a slice of the random log with its item context', async () => {
    const feedback = await readObdFeedback(RANDOM_LOG, { limit: 500 });
    expect(feedback.rounds).toHaveLength(500);
    expect(feedback.space.actions).toEqual(Array.from({ length: 34 }, (_, i) => String(i)));
    expect(feedback.space.positions).toBe(3);
    expect(feedback.space.actionFeatures).toHaveLength(34);
    expect(feedback.space.featureNames.numeric).toEqual(['item_feature_0']);
    expect(feedback.space.featureNames.categorical).toEqual(['item_feature_1', 'item_feature_2', 'item_feature_3']);
    expect(feedback.contextNames.categorical).toEqual(['user_feature_0', 'user_feature_1', 'user_feature_2', 'user_feature_3']);
    const first = feedback.rounds[0]!;
    // First data line: 2019-11-24 00:03:13.442536+00:00, item 14, position 3, click 0, 1/34.
    expect(first.timestamp).toBe(Date.UTC(2019, 10, 24, 0, 3, 13, 442));
    expect(feedback.space.actions[first.action]).toBe('14');
    expect(first.position).toBe(2);
    expect(first.reward).toBe(0);
    expect(first.propensity).toBeCloseTo(1 / 34, 15);
    expect(first.context.actionAffinity).toHaveLength(34);
    for (const round of feedback.rounds) {
      expect(round.position).toBeGreaterThanOrEqual(0);
      expect(round.position).toBeLessThan(3);
    }
  });

  it('reads the bts log, whose propensities vary by round', async () => {
    const feedback = await readObdFeedback(BTS_LOG, { limit: 300 });
    const propensities = new Set(feedback.rounds.map((round) => round.propensity));
    expect(propensities.size).toBeGreaterThan(100);
    expect(Math.min(...propensities)).toBeGreaterThan(0);
  });
});

describe('bad logs give coded errors with the file and line, and no rounds', () => {
  it('a missing propensity column', async () => {
    const file = await writeObdSlice(RANDOM_LOG, 20, (lines) => dropColumn(lines, 'propensity_score'));
    const error = await codedError(readObdFeedback(file), 'RG_ERR_OPE_LOG');
    expect(error.details).toMatchObject({ file, line: 1 });
    expect(error.message).toContain('missing column "propensity_score"');
  });

  it.each([
    ['0', 'must be > 0'],
    ['', 'is empty'],
    ['-0.2', 'must be > 0'],
    ['1.5', 'must be <= 1'],
    ['inf', 'expected number'],
    ['NaN', 'expected number'],
  ])('propensity "%s"', async (value, reason) => {
    const file = await writeObdSlice(RANDOM_LOG, 20, (lines) => setCell(lines, 4, 'propensity_score', value));
    const error = await codedError(readObdFeedback(file), 'RG_ERR_OPE_LOG');
    expect(error.details).toMatchObject({ file, line: 5 });
    expect(error.message).toContain(reason);
    expect(error.message).toContain('Nothing was estimated');
  });

  it.each([['0'], ['4'], ['1.5'], ['left']])('position "%s"', async (value) => {
    const file = await writeObdSlice(RANDOM_LOG, 20, (lines) => setCell(lines, 7, 'position', value));
    const error = await codedError(readObdFeedback(file), 'RG_ERR_OPE_LOG');
    expect(error.details).toMatchObject({ file, line: 8 });
    expect(error.message).toContain('position');
  });

  it('a click that is not 0 or 1, an unknown item, a short row, an empty log', async () => {
    const click = await writeObdSlice(RANDOM_LOG, 10, (lines) => setCell(lines, 2, 'click', '2'));
    expect((await codedError(readObdFeedback(click), 'RG_ERR_OPE_LOG')).details).toMatchObject({ line: 3 });

    const item = await writeObdSlice(RANDOM_LOG, 10, (lines) => setCell(lines, 9, 'item_id', '99'));
    const unknown = await codedError(readObdFeedback(item), 'RG_ERR_OPE_LOG');
    expect(unknown.details).toMatchObject({ line: 10 });
    expect(unknown.message).toContain('item_id 99 is not in');

    const short = await writeObdSlice(RANDOM_LOG, 10, (lines) => lines.map((l, i) => (i === 6 ? l.split(',').slice(0, 5).join(',') : l)));
    expect((await codedError(readObdFeedback(short), 'RG_ERR_OPE_LOG')).details).toMatchObject({ line: 7 });

    const empty = await writeObdSlice(RANDOM_LOG, 0);
    expect((await codedError(readObdFeedback(empty), 'RG_ERR_OPE_LOG')).message).toContain('no rounds');
  });

  it('a stray quote, which the importers reject too (one CSV splitter)', async () => {
    const stray = await writeObdSlice(RANDOM_LOG, 10, (lines) => lines.map((l, i) => (i === 4 ? l.replace(',', ',"') : l)));
    const error = await codedError(readObdFeedback(stray), 'RG_ERR_OPE_LOG');
    expect(error.details).toMatchObject({ line: 5 });
    expect(error.message).toContain('quote');
  });

  it('an unreadable file', async () => {
    const missing = path.join(os.tmpdir(), 'recgate-ope-does-not-exist', 'men.csv');
    const error = await codedError(readObdFeedback(missing), 'RG_ERR_IMPORT_FILE');
    expect(error.message).toContain('no such file');
    const dir = await temporaryFolder();
    expect((await codedError(readObdFeedback(dir, { itemContextFile: null }), 'RG_ERR_IMPORT_FILE')).message).toContain('directory');
  });

  it('a bad item_context.csv', async () => {
    const file = await writeObdSlice(RANDOM_LOG, 10);
    await writeFile(path.join(path.dirname(file), 'item_context.csv'), ',item_id,item_feature_0\n0,0,1.5\n1,x,2\n');
    const error = await codedError(readObdFeedback(file), 'RG_ERR_OPE_LOG');
    expect(error.details).toMatchObject({ file: path.join(path.dirname(file), 'item_context.csv'), line: 3 });
  });
});
