/** Folders under src/ import in one direction: scripts/check-folder-cycles.mjs finds no cycle. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = (srcDir: string) => {
  try {
    return { code: 0, out: execFileSync(process.execPath, ['scripts/check-folder-cycles.mjs', srcDir], { cwd: root, encoding: 'utf8' }) };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { code: e.status, out: e.stdout };
  }
};

describe('folder import cycles', () => {
  it('finds none under src/', () => {
    const { code, out } = check('src');
    expect(out).toMatch(/^No import cycle between the \d+ folders/);
    expect(code).toBe(0);
  });

  it('names a cycle and the imports that close it', () => {
    const { code, out } = check('test/fixtures/folder-cycle');
    expect(code).toBe(1);
    expect(out).toContain('a <-> b');
    expect(out).toContain('a -> b: a/one.ts imports ../b/two.js');
    expect(out).toContain('b -> a: b/two.ts imports ../a/one.js');
  });
});
