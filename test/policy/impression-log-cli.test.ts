import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerExportCommand } from '../../src/cli/commands/export.js';
import { registerOpeCommand } from '../../src/cli/commands/ope.js';
import { isRecgateError } from '../../src/errors.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';
import { useDatabaseUrl } from '../support/database-url.js';
import { runCommand } from '../support/run-command.js';

/** Slates the meta-policy served: (arm, propensity, reward). */
const LOG: ReadonlyArray<[string, number, number | null]> = [
  ['popularity', 0.5, 1],
  ['popularity', 0.8, 0],
  ['popularity', 0.25, 2],
  ['category-affinity', 0.5, 1],
  ['category-affinity', 0.2, 0],
  ['category-affinity', 0.75, 5],
  ['popularity', 0.5, null], // still inside its window: not in the bandit log
];

const run = runCommand;

describe('the impression log outside the gateway', () => {
  let database: TestDatabase;
  let folder: string;
  let restoreUrl: () => void;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    folder = await mkdtemp(path.join(tmpdir(), 'recgate-export-'));
    restoreUrl = useDatabaseUrl(database.url);
    const start = Date.UTC(2026, 10, 1);
    await database.db.prisma.impression.createMany({
      data: LOG.map(([strategy, propensity, reward], i) => ({
        id: `imp-${i}`,
        userExternalId: `u${i}`,
        surface: 'home',
        strategy,
        modelVersion: `${strategy}@1`,
        items: [{ itemId: 'm1', score: 1, position: 1 }],
        propensity,
        context: { device: i % 2 ? 'ios' : 'web, "beta"' },
        features: { interactions: i < 3 ? '0' : '20-99', surface: 'home' },
        variant: 'meta-policy',
        reward,
        rewardedAt: reward === null ? null : new Date(start + i * 1000 + 500),
        // The last slate was served just now: its reward window is still open.
        createdAt: reward === null ? new Date() : new Date(start + i * 1000),
      })),
    });
  });
  afterAll(async () => {
    restoreUrl?.();
    await database?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('exports every impression as JSON lines and as CSV', async () => {
    const lines = (await run(registerExportCommand, ['export', 'impressions', '--format', 'jsonl'])).trim().split('\n');
    expect(lines).toHaveLength(LOG.length);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({
      id: 'imp-0',
      strategy: 'popularity',
      propensity: 0.5,
      reward: 1,
      variant: 'meta-policy',
      features: { interactions: '0', surface: 'home' },
    });
    expect(first.items).toEqual([{ itemId: 'm1', score: 1, position: 1 }]);
    expect(JSON.parse(lines[6]!).reward).toBeNull();

    const out = path.join(folder, 'impressions.csv');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await run(registerExportCommand, ['export', 'impressions', '--format', 'csv', '--out', out]);
    vi.restoreAllMocks();
    const csv = (await readFile(out, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('id,createdAt,userId,surface,strategy,modelVersion,propensity,variant,features,context,items,reward,rewardedAt');
    expect(csv).toHaveLength(LOG.length + 1);
    // JSON cells quoted, quotes doubled.
    expect(csv[1]).toContain('"{""device"":""web, \\""beta\\""""}"');
  });

  it('rejects an unknown format before touching the database', async () => {
    await expect(run(registerExportCommand, ['export', 'impressions', '--format', 'xml'])).rejects.toSatisfy(
      (e: unknown) => isRecgateError(e) && e.code === 'RG_ERR_INVALID_INPUT' && e.message.includes('--format'),
    );
  });

  it('evaluates strategy:<name> and uniform on the finalised slates with ope --log impressions', async () => {
    const json = path.join(folder, 'ope.json');
    const common = ['--log', 'impressions', '--reward-model', 'empirical', '--bootstrap', '20', '--folds', '1', '--json', json];
    await run(registerOpeCommand, ['ope', '--target', 'strategy:popularity', ...common]);
    const report = JSON.parse(await readFile(json, 'utf8')) as { logSize: number; estimators: Record<string, { estimate: number }> };
    const finalised = LOG.filter((r) => r[2] !== null);
    expect(report.logSize).toBe(finalised.length);
    // IPS by hand: mean of 1[arm = popularity] reward / propensity.
    const ips = finalised.reduce((s, [arm, p, r]) => s + (arm === 'popularity' ? r! / p : 0), 0) / finalised.length;
    expect(report.estimators.ips!.estimate).toBeCloseTo(ips, 12);

    await expect(run(registerOpeCommand, ['ope', '--target', 'strategy:no-such-arm', ...common])).rejects.toSatisfy(
      (e: unknown) => isRecgateError(e) && e.code === 'RG_ERR_OPE_POLICY',
    );
    await run(registerOpeCommand, ['ope', '--target', 'uniform', ...common]);
    const uniform = JSON.parse(await readFile(json, 'utf8')) as { estimators: Record<string, { estimate: number }>; space?: unknown };
    expect(Number.isFinite(uniform.estimators.snips!.estimate)).toBe(true);
  });
});

describe.each(TEST_PROVIDERS)('ope --log impressions takes slates by time, not by outcome (%s)', (provider) => {
  let database: TestDatabase;
  let folder: string;
  let restoreUrl: () => void;
  const now = Date.now();
  const minutesAgo = (m: number) => new Date(now - m * 60_000);
  // The default window is 1800 s: slates from two hours ago are closed, the last minute's are open.
  const SLATES: ReadonlyArray<{ strategy: string; propensity: number; reward: number | null; createdAt: Date; variant?: string }> = [
    { strategy: 'popularity', propensity: 0.5, reward: 1, createdAt: minutesAgo(120) },
    { strategy: 'category-affinity', propensity: 0.5, reward: 0, createdAt: minutesAgo(119) }, // swept: the default reward
    { strategy: 'popularity', propensity: 0.25, reward: null, createdAt: minutesAgo(118) }, // closed, not swept yet
    { strategy: 'popularity', propensity: 0.5, reward: 6, createdAt: minutesAgo(1) }, // fresh, clicked at once
    { strategy: 'category-affinity', propensity: 0.5, reward: null, createdAt: minutesAgo(0.5) }, // fresh, no feedback yet
    { strategy: 'popularity', propensity: 1, reward: 3, createdAt: minutesAgo(117), variant: 'experiment-b' },
  ];

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    folder = await mkdtemp(path.join(tmpdir(), 'recgate-ope-window-'));
    restoreUrl = useDatabaseUrl(database.url);
    await database.db.prisma.impression.createMany({
      data: SLATES.map((s, i) => ({
        id: `slate-${i}`,
        userExternalId: `u${i}`,
        surface: 'home',
        strategy: s.strategy,
        modelVersion: `${s.strategy}@1`,
        items: [{ itemId: 'm1', score: 1, position: 1 }],
        propensity: s.propensity,
        context: {},
        features: { surface: 'home' },
        variant: s.variant ?? 'meta-policy',
        reward: s.reward,
        rewardedAt: s.reward === null ? null : s.createdAt,
        createdAt: s.createdAt,
      })),
    });
  });
  afterAll(async () => {
    restoreUrl?.();
    await database?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('estimates on closed slates only (unswept ones at the default reward) and says what it left out', async () => {
    const json = path.join(folder, 'ope.json');
    const printed = await run(registerOpeCommand, [
      'ope',
      '--target',
      'strategy:popularity',
      '--log',
      'impressions',
      '--reward-model',
      'empirical',
      '--bootstrap',
      '20',
      '--folds',
      '1',
      '--json',
      json,
    ]);
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      logSize: number;
      log: { observed: { value: number }; leftOut: Array<{ count: number; reason: string }>; notes: string[] };
      estimators: Record<string, { estimate: number }>;
    };
    // The three closed meta-policy slates: popularity 1 / 0.5, nothing, popularity 0 / 0.25.
    expect(report.logSize).toBe(3);
    expect(report.estimators.ips!.estimate).toBeCloseTo((1 / 0.5 + 0 + 0 / 0.25) / 3, 12);
    expect(report.log.observed.value).toBeCloseTo(1 / 3, 12);
    // Taking "reward set" instead would have been 3 rounds with IPS (2 + 0 + 12) / 3 = 4.67.
    expect(report.log.leftOut).toEqual([
      {
        count: 2,
        reason: expect.stringMatching(
          /^inside their reward window \(created in the last 1800 s, RECGATE_REWARD_WINDOW_SECONDS; 1 of them already have feedback\)/,
        ),
      },
      { count: 1, reason: expect.stringContaining('served outside the meta-policy') },
    ]);
    expect(report.log.notes).toEqual([expect.stringContaining('1 slate(s) whose window closed without feedback enter with the default reward 0')]);
    expect(printed).toContain('left out 2: inside their reward window');
    expect(printed).toContain('left out 1: served outside the meta-policy');
  });

  it('says why when no slate has closed yet', async () => {
    process.env.RECGATE_REWARD_WINDOW_SECONDS = String(3 * 3600);
    try {
      await expect(run(registerOpeCommand, ['ope', '--target', 'uniform', '--log', 'impressions'])).rejects.toSatisfy(
        (e: unknown) =>
          isRecgateError(e) && e.code === 'RG_ERR_OPE_LOG' && /no finalised meta-policy impressions.*left out: 5 inside their reward window/.test(e.message),
      );
    } finally {
      delete process.env.RECGATE_REWARD_WINDOW_SECONDS;
    }
  });
});
