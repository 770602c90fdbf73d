/**
 * Every package `npm ci` installs runs on the Node the README names (20.19), except those
 * the README names with the Node they need; anything else would make `npm ci` warn
 * EBADENGINE without the README saying why.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('Node engines', () => {
  it("the README's Node is the package's minimum", () => {
    expect(readme).toContain('Node.js 20.19 or later');
    expect(semver.minVersion(manifest.engines.node)?.version).toBe('20.19.0');
  });

  it('every locked package supports it, or the README names the package', () => {
    const unsupported = Object.entries(lock.packages)
      .filter(([where, info]) => where !== '' && info.engines && !Array.isArray(info.engines) && info.engines.node)
      .filter(([, info]) => !semver.satisfies('20.19.0', (info.engines as { node: string }).node))
      .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const unexplained = [...new Set(unsupported)].filter((name) => !readme.includes(`\`${name}\``));
    expect(unexplained).toEqual([]);
  });
});
