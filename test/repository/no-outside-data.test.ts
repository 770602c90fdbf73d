/**
 * The suite runs from a clone with nothing beside it (`.ci/run` proves it on a copy), so no
 * code under src/, test/ or plugins/ may name the datasets folder of a development machine or
 * climb out of the repository. Data the tests need lives in test/fixtures/ or data/
 * (test/support/datasets.ts); benchmarks read the full datasets through bench/support/datasets.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const SCANNED = ['src', 'test', 'plugins'];
const CODE = /\.(?:[cm]?[jt]s|json)$/;
// Joined here so this file does not name it itself.
const DATASETS_FOLDER = ['shared', 'datasets'].join('/');
/** String literals (quotes or backticks) that start with one or more parent-folder steps. */
const CLIMBING_LITERAL = /(['"`])((?:\.\.(?:\/|(?=\1)))+)/g;
/** Absolute paths of this machine's folders, which a user's checkout does not have. */
const MACHINE_PATH = /(['"`])\/(?:work|home|root|Users|tmp\/bare)\//;

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : codeFiles(full);
    return CODE.test(entry.name) ? [full] : [];
  });
}

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/**
 * One line's climb: the parent-folder steps of its climbing literals added up, since a path is
 * often joined from pieces (two literals of a `path.resolve` call). More than the file's depth
 * in the repository leaves it.
 */
function climb(line: string): number {
  let total = 0;
  for (const match of line.matchAll(CLIMBING_LITERAL)) total += match[2]!.split('..').length - 1;
  return total;
}

/** What in one file (`file` relative to the repository root) points outside the repository. */
function outsideReferences(file: string, content: string): Finding[] {
  const depth = file.split('/').length - 1;
  const findings: Finding[] = [];
  content.split('\n').forEach((text, i) => {
    const at = { file, line: i + 1, text: text.trim() };
    if (text.includes(DATASETS_FOLDER)) findings.push({ ...at, why: `names ${DATASETS_FOLDER}` });
    else if (climb(text) > depth) findings.push({ ...at, why: `climbs ${climb(text)} folders from depth ${depth}` });
    else if (MACHINE_PATH.test(text)) findings.push({ ...at, why: 'an absolute path of this machine' });
  });
  return findings;
}

describe('tests and sources own their data', () => {
  it(`no file under ${SCANNED.join('/, ')}/ reads ../${DATASETS_FOLDER} or a path outside the repository`, () => {
    const files = SCANNED.flatMap((dir) => codeFiles(path.join(REPO_ROOT, dir)));
    expect(files.length).toBeGreaterThan(100);
    const findings = files
      .flatMap((file) => outsideReferences(path.relative(REPO_ROOT, file).split(path.sep).join('/'), readFileSync(file, 'utf8')))
      .map((f) => `${f.file}:${f.line}: ${f.why}: ${f.text}`);
    expect(findings).toEqual([]);
  });

  it('catches the ways a file reached outside before, and lets paths inside the repository be', () => {
    const UP = '..';
    const found = (file: string, line: string) => outsideReferences(file, `const x = 1;\n${line}\n`).map((f) => `${f.line}: ${f.why}`);
    // The layouts the suites used when they read the datasets beside the clone.
    expect(found('test/strategies/a.test.ts', `const D = path.resolve(here, '${UP}/${UP}', '${UP}/${DATASETS_FOLDER}');`)).toEqual([
      `2: names ${DATASETS_FOLDER}`,
    ]);
    expect(found('test/strategies/a.test.ts', `const D = path.resolve(here, '${UP}/${UP}', '${UP}/elsewhere');`)).toEqual(['2: climbs 3 folders from depth 2']);
    expect(found('test/a.test.ts', `const D = resolve(import.meta.dirname, \`${UP}/${UP}/x\`);`)).toEqual(['2: climbs 2 folders from depth 1']);
    const machineFolder = ['', 'work', 'data'].join('/');
    expect(found('src/testing/fixture.ts', `const D = '${machineFolder}/ratings.dat';`)).toEqual(['2: an absolute path of this machine']);
    // Inside: up to the root and down again, or a sibling folder.
    expect(found('test/strategies/a.test.ts', `const D = resolve(import.meta.dirname, '${UP}/${UP}', 'data/movietweetings-100k');`)).toEqual([]);
    expect(found('test/import/b.ts', `const F = path.resolve(import.meta.dirname, '${UP}/fixtures/movielens');`)).toEqual([]);
  });
});
