/** Paths of the Open Bandit Dataset slice (test/fixtures/open-bandit) and temporary copies of parts of it for tests. */
import { mkdtemp, readFile, writeFile, copyFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OPEN_BANDIT_DIR } from '../../support/datasets.js';

/** The first 1,000 rounds of each log. */
export const RANDOM_LOG = path.join(OPEN_BANDIT_DIR, 'random/men/men.csv');
export const BTS_LOG = path.join(OPEN_BANDIT_DIR, 'bts/men/men.csv');

/**
 * Writes the header and first `rows` rows of an OBD log into a fresh folder (with its
 * item_context.csv), after letting `edit` change the lines (index 0 is the header).
 */
const created: string[] = [];

/** A fresh temporary folder, removed by `removeTemporaryFolders`. */
export async function temporaryFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'recgate-ope-'));
  created.push(dir);
  return dir;
}

export async function removeTemporaryFolders(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function writeObdSlice(source: string, rows: number, edit: (lines: string[]) => string[] = (lines) => lines): Promise<string> {
  const dir = await temporaryFolder();
  const lines = (await readFile(source, 'utf8')).split('\n').slice(0, rows + 1);
  const file = path.join(dir, 'men.csv');
  await writeFile(file, `${edit(lines).join('\n')}\n`);
  await copyFile(path.join(path.dirname(source), 'item_context.csv'), path.join(dir, 'item_context.csv'));
  return file;
}

/** Replaces one column's value on one data row (row 1 = first data line). */
export function setCell(lines: string[], row: number, column: string, value: string): string[] {
  const header = lines[0]!.split(',');
  const index = header.indexOf(column);
  const cells = lines[row]!.split(',');
  cells[index] = value;
  return lines.map((line, i) => (i === row ? cells.join(',') : line));
}

export function dropColumn(lines: string[], column: string): string[] {
  const index = lines[0]!.split(',').indexOf(column);
  return lines.map((line) =>
    line
      .split(',')
      .filter((_, i) => i !== index)
      .join(','),
  );
}
