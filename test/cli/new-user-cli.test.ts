/**
 * The command line as a new user meets it: a bare `recgate` prints help and exits 0,
 * `--version` answers, `export impressions | head` ends quietly, progress bars print
 * readable numbers, and `eval` without `--strategy` takes every registered strategy.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategiesToEvaluate } from '../../src/cli/commands/eval.js';
import { createProgressBar } from '../../src/cli/progress-bar.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/index.js';
import { createRegistry } from '../../src/strategies/create-registry.js';
import { RECGATE_BIN, runCli } from '../support/run-cli.js';

const PACKAGE = JSON.parse(readFileSync(path.resolve(path.dirname(RECGATE_BIN), '../package.json'), 'utf8')) as { version: string };

describe('recgate with no command, and --version', () => {
  it('a bare recgate prints the help, listing the commands, and exits 0', async () => {
    const run = await runCli([]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: recgate \[options\] \[command\]/);
    for (const command of ['demo', 'serve', 'worker', 'train', 'keys', 'eval', 'ope', 'import', 'export']) expect(run.stdout).toContain(`\n  ${command} `);
    expect(run.stderr).toBe('');
  }, 60_000);

  it('--version prints the package version and exits 0', async () => {
    const run = await runCli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${PACKAGE.version}\n`);
  }, 60_000);
});

describe('export impressions | head', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'recgate-pipe-'));
    const db = await openDatabase(`file:${path.join(dir, 'recgate.db')}`);
    // Far more than a pipe buffers (64 KiB), so the writer meets the closed pipe.
    await db.prisma.impression.createMany({
      data: Array.from({ length: 3000 }, (_, i) => ({
        id: `imp-${i}`,
        userExternalId: `user-${i}`,
        surface: 'home',
        strategy: 'popularity',
        items: Array.from({ length: 10 }, (_, p) => ({ itemId: `item-${p}`, score: 1 / (p + 1), position: p + 1 })),
        propensity: 1,
        context: {},
        reward: 0,
      })),
    });
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops quietly with status 0 when the reader closes the pipe', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [RECGATE_BIN, 'export', 'impressions'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstLine = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', (chunk: Buffer) => {
      firstLine = chunk.toString().split('\n')[0]!;
      child.stdout.destroy(); // what `head -1` does once it has its line
    });
    const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    expect(JSON.parse(firstLine)).toMatchObject({ id: expect.stringMatching(/^imp-/) });
    expect(stderr).toBe('');
    expect(status).toBe(0);
  }, 60_000);
});

describe('progress bars', () => {
  it('print counts as whole numbers or with one decimal, never raw floats', () => {
    let written = '';
    const stream = new Writable({ write: (chunk, _encoding, done) => ((written += String(chunk)), done()) }) as unknown as NodeJS.WriteStream;
    (stream as { isTTY?: boolean }).isTTY = true;
    const bar = createProgressBar('train als', 100, stream);
    bar.update(15.933333333333334);
    expect(written).toContain(' 15.9/100 ');
    expect(written).not.toContain('15.933');
    bar.done();
    expect(written).toContain(' 100/100 ');
  });
});

describe('eval without --strategy', () => {
  it('takes every registered strategy; --strategy names a subset, checked', async () => {
    const registry = await createRegistry(loadConfig({}));
    expect(strategiesToEvaluate(registry, undefined).map((s) => s.definition.name)).toEqual(registry.names());
    expect(registry.names()).toEqual(expect.arrayContaining(['popularity', 'als', 'two-tower', 'category-affinity']));
    expect(strategiesToEvaluate(registry, 'als, popularity,als').map((s) => s.definition.name)).toEqual(['als', 'popularity']);
    expect(() => strategiesToEvaluate(registry, 'popularity,nope')).toThrow(expect.objectContaining({ code: 'RG_ERR_STRATEGY_UNKNOWN' }));
  });
});
