import { readFile, access } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerOpeCommand } from '../../../src/cli/commands/ope.js';
import { isRecgateError, type ErrorCode } from '../../../src/errors.js';
import { ESTIMATOR_NAMES } from '../../../src/evaluation/off-policy/index.js';
import { BTS_LOG, RANDOM_LOG, removeTemporaryFolders, setCell, temporaryFolder, writeObdSlice } from './obd-files.js';

afterAll(removeTemporaryFolders);
afterEach(() => vi.restoreAllMocks());

async function runOpe(args: string[]): Promise<string> {
  const program = new Command('recgate').exitOverride();
  registerOpeCommand(program);
  let printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  await program.parseAsync(['ope', ...args], { from: 'user' });
  return printed;
}

async function expectCode(args: string[], code: ErrorCode): Promise<string> {
  try {
    await runOpe(args);
  } catch (error) {
    expect(isRecgateError(error), String(error)).toBe(true);
    if (isRecgateError(error)) {
      expect(error.code).toBe(code);
      return error.message;
    }
  }
  throw new Error(`expected ${code}`);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe('recgate ope', () => {
  it('estimates the BTS policy on a slice of the random log and writes one JSON entry per estimator', async () => {
    const json = path.join(await temporaryFolder(), 'ope.json');
    const printed = await runOpe([
      '--target',
      `logged:${BTS_LOG}`,
      '--log',
      `obd:${RANDOM_LOG}`,
      '--limit',
      '800',
      '--bootstrap',
      '50',
      '--seed',
      '7',
      '--clip',
      '5',
      '--json',
      json,
    ]);
    expect(printed).toContain('ips-clipped');
    // The whole bts slice is the target's own log: 9 clicks in 1,000 rounds.
    expect(printed).toContain('observed value of the target in its own log: 0.009000');
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      logSize: number;
      onPolicyValue: number;
      options: { clip: number; bootstrap: number };
      estimators: Record<string, { estimate: number; ci: [number, number] }>;
    };
    expect(report.logSize).toBe(800);
    expect(report.onPolicyValue).toBe(0.009);
    expect(report.options).toMatchObject({ clip: 5, bootstrap: 50 });
    expect(Object.keys(report.estimators)).toEqual([...ESTIMATOR_NAMES]);
    for (const [name, entry] of Object.entries(report.estimators)) {
      expect(Number.isFinite(entry.estimate), name).toBe(true);
      expect(entry.ci[0], name).toBeLessThanOrEqual(entry.ci[1]);
    }
  });

  it('rejects a strategy target before reading the log', async () => {
    const message = await expectCode(['--target', 'strategy:popularity', '--log', 'obd:/no/such/log.csv'], 'RG_ERR_OPE_POLICY');
    expect(message).toContain('Supported: uniform, logged:<file.csv>');
  });

  it('reads the impression log from DATABASE_URL and estimates nothing from an empty one', async () => {
    // The log itself is tested in test/policy/impression-log-cli.test.ts.
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `file:${path.join(await temporaryFolder(), 'empty.db')}`;
    try {
      const message = await expectCode(['--target', 'uniform', '--log', 'impressions'], 'RG_ERR_OPE_LOG');
      expect(message).toContain('no finalised meta-policy impressions');
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it('rejects bad options with the flag name', async () => {
    for (const [flag, value] of [
      ['--clip', '0'],
      ['--confidence', '1'],
      ['--bootstrap', 'many'],
      ['--reward-model', 'forest'],
    ]) {
      const message = await expectCode(['--target', 'uniform', '--log', `obd:${RANDOM_LOG}`, flag!, value!], 'RG_ERR_INVALID_INPUT');
      expect(message).toContain(flag!);
    }
  });

  it('estimates nothing and writes no JSON from a log with a zero propensity', async () => {
    const log = await writeObdSlice(RANDOM_LOG, 50, (lines) => setCell(lines, 12, 'propensity_score', '0'));
    const json = path.join(path.dirname(log), 'ope.json');
    const message = await expectCode(['--target', 'uniform', '--log', `obd:${log}`, '--json', json], 'RG_ERR_OPE_LOG');
    expect(message).toContain(`${log}, line 13`);
    expect(await exists(json)).toBe(false);
  });
});
