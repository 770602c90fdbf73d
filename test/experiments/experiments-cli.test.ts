import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerExperimentsCommand } from '../../src/cli/commands/experiments.js';
import { isRecgateError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { useDatabaseUrl } from '../support/database-url.js';
import { runCommand } from '../support/run-command.js';

const run = (args: string[]): Promise<string> => runCommand(registerExperimentsCommand, args);

async function code(args: string[]): Promise<string | undefined> {
  try {
    await run(args);
  } catch (error) {
    return isRecgateError(error) ? error.code : String(error);
  }
  return undefined;
}

/** Finalised slates the meta-policy served: (arm, propensity, reward). */
const LOG: ReadonlyArray<[string, number, number]> = [
  ['popularity', 0.5, 1],
  ['popularity', 0.8, 0],
  ['popularity', 0.25, 2],
  ['category-affinity', 0.5, 1],
  ['category-affinity', 0.2, 0],
  ['category-affinity', 0.75, 5],
];

describe('recgate experiments', () => {
  let database: TestDatabase;
  let folder: string;
  let restoreUrl: () => void;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    folder = await mkdtemp(path.join(tmpdir(), 'recgate-experiments-'));
    restoreUrl = useDatabaseUrl(database.url);
    await database.db.prisma.impression.createMany({
      data: LOG.map(([strategy, propensity, reward], i) => ({
        id: `imp-${i}`,
        userExternalId: `u${i}`,
        surface: 'home',
        strategy,
        items: [{ itemId: 'm1', score: 1, position: 1 }],
        propensity,
        context: {},
        features: { interactions: '0' },
        variant: 'meta-policy',
        reward,
        rewardedAt: new Date(),
        createdAt: new Date(Date.UTC(2026, 10, 1) + i * 1000),
      })),
    });
    await writeFile(
      path.join(folder, 'spec.json'),
      JSON.stringify({
        key: 'home-affinity',
        name: 'Category affinity on home',
        surfaces: ['home'],
        variants: [
          { key: 'control', weight: 0.5, serving: { kind: 'strategy', strategy: 'popularity' } },
          { key: 'affinity', weight: 0.5, serving: { kind: 'strategy', strategy: 'category-affinity' } },
        ],
        control: 'control',
      }),
    );
    await writeFile(path.join(folder, 'bad.json'), '{ not json');
  });
  afterAll(async () => {
    restoreUrl?.();
    await database?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('creates from a file, starts, lists and shows with the audit trail', async () => {
    expect(await run(['experiments', 'create', '--file', path.join(folder, 'spec.json'), '--actor', 'po-anna'])).toContain(
      'home-affinity: Category affinity on home [DRAFT, phase 1]',
    );
    expect(await run(['experiments', 'start', 'home-affinity', '--actor', 'po-anna'])).toContain('home-affinity is RUNNING');
    const list = await run(['experiments', 'list']);
    expect(list).toMatch(/home-affinity\s+RUNNING\s+home\s+control\*=0.5 affinity=0.5/);
    const show = await run(['experiments', 'show', 'home-affinity']);
    expect(show).toMatch(/create\s+po-anna/);
    expect(show).toMatch(/start\s+po-anna/);
  });

  it('prints results with the sample ratio check (no exposures yet)', async () => {
    const text = await run(['experiments', 'results', 'home-affinity']);
    expect(text).toContain('sample ratio check');
    expect(text).toMatch(/control \(control\)\s+0.5\s+0\s+0/);
    const json = JSON.parse(await run(['experiments', 'results', 'home-affinity', '--json']));
    expect(json.srm.flagged).toBe(false);
  });

  it('previews variants from the logged slates, and says when the log cannot support one', async () => {
    const text = await run(['experiments', 'preview', '--experiment', 'home-affinity', '--bootstrap', '50']);
    expect(text).toContain('estimated from 6 logged slates');
    // IPS of "always popularity": (1/6) (1/0.5 + 0/0.8 + 2/0.25) = 10/6
    expect(text).toMatch(/control\s+ips\s+1\.6667/);
    // SNIPS: 10 / (1/0.5 + 1/0.8 + 1/0.25) = 1.3793
    expect(text).toMatch(/snips\s+1\.3793/);
    await writeFile(path.join(folder, 'als.json'), JSON.stringify([{ key: 'als', serving: { kind: 'strategy', strategy: 'als' } }]));
    expect(await run(['experiments', 'preview', '--file', path.join(folder, 'als.json')])).toMatch(/als\s+unsupported.*never served "als" \(zero propensity\)/);
  });

  it('refuses bad input with codes and leaves the experiment as it was', async () => {
    expect(await code(['experiments', 'create', '--file', path.join(folder, 'missing.json')])).toBe('RG_ERR_EXPERIMENT_FILE');
    expect(await code(['experiments', 'create', '--file', path.join(folder, 'bad.json')])).toBe('RG_ERR_EXPERIMENT_FILE');
    expect(await code(['experiments', 'results', 'home-affinity', '--alpha', '2'])).toBe('RG_ERR_INVALID_INPUT');
    expect(await code(['experiments', 'preview'])).toBe('RG_ERR_INVALID_INPUT');
    expect(await run(['experiments', 'stop', 'home-affinity'])).toContain('STOPPED');
    expect(await code(['experiments', 'start', 'home-affinity'])).toBe('RG_ERR_EXPERIMENT_TRANSITION');
    expect(await database.db.prisma.experiment.findUniqueOrThrow({ where: { key: 'home-affinity' } })).toMatchObject({ status: 'STOPPED' });
  });
});
