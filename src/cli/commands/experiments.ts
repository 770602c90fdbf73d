/**
 * `recgate experiments list|show|create|update|start|pause|stop|archive|results|preview`:
 * A/B experiments in DATABASE_URL (docs/experiments.md). Running gateways pick changes up
 * within RECGATE_EXPERIMENTS_REFRESH_SECONDS. The audit trail names the CLI user (or --actor).
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { numberOption, parseCommandOptions, wholeNumberOption } from '../command-options.js';
// Types only: the modules themselves load when a subcommand runs (the CLI starts fast).
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/index.js';
import type { ExperimentsRuntime } from '../../experiments/experiments-runtime.js';

/** Opens DATABASE_URL and the registry (for strategy names), runs `work` with the experiments, closes everything. */
async function runtime<T>(work: (r: ExperimentsRuntime, ctx: { config: Config; db: Database; arms: string[] }) => Promise<T>): Promise<T> {
  const [{ withDatabase }, { loadConfig }, { createRegistry }, { ExperimentsRuntime }] = await Promise.all([
    import('../with-database.js'),
    import('../../config/index.js'),
    import('../../strategies/create-registry.js'),
    import('../../experiments/experiments-runtime.js'),
  ]);
  const config = loadConfig();
  const registry = await createRegistry(config);
  return withDatabase(async (db) => {
    const r = new ExperimentsRuntime({
      db,
      strategies: registry,
      rewards: config.metaPolicy,
      log: { info() {}, warn() {} },
      refreshMs: 0,
      metaPolicyEnabled: config.metaPolicy.enabled,
    });
    try {
      return await work(r, { config, db, arms: registry.names() });
    } finally {
      await r.close();
    }
  });
}

async function readSpec(file: string): Promise<unknown> {
  const { rgError } = await import('../../errors.js');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw rgError('RG_ERR_EXPERIMENT_FILE', { file, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error) });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw rgError('RG_ERR_EXPERIMENT_FILE', { file, reason: `not JSON (${(error as Error).message})` });
  }
}

const defaultActor = (): string => `cli:${userInfo().username}`;
const out = (text: string) => process.stdout.write(text);

export function registerExperimentsCommand(program: Command): void {
  const experiments = program.command('experiments').description('A/B experiments: create, start, read results with intervals, preview from logged data, stop');

  experiments
    .command('list')
    .description('List experiments (archived ones with --all)')
    .option('--all', 'include archived experiments')
    .action(async (options: { all?: boolean }) => {
      const { formatExperimentList } = await import('../../experiments/format-results.js');
      await runtime(async (r) => out(formatExperimentList(await r.service.list({ includeArchived: options.all === true }))));
    });

  experiments
    .command('show <key>')
    .description('One experiment: design, variants, status, and its audit trail')
    .action(async (key: string) => {
      const { formatExperiment } = await import('../../experiments/format-results.js');
      await runtime(async (r) => {
        out(formatExperiment(await r.service.get(key)));
        out('\naudit\n');
        for (const a of await r.service.audit(key)) out(`${a.at.toISOString()}  ${a.action.padEnd(9)}  ${a.actor}  ${JSON.stringify(a.changes)}\n`);
      });
    });

  experiments
    .command('create')
    .description('Create a DRAFT experiment from a JSON spec file (docs/experiments.md)')
    .requiredOption('--file <spec.json>', 'the spec')
    .option('--actor <label>', 'who is making the change, for the audit trail', defaultActor())
    .action(async (options: { file: string; actor: string }) => {
      const spec = await readSpec(options.file);
      const { formatExperiment } = await import('../../experiments/format-results.js');
      await runtime(async (r) => out(`Created:\n${formatExperiment(await r.service.create(spec, options.actor))}`));
    });

  experiments
    .command('update <key>')
    .description(
      'Change fields of an experiment from a JSON file of changes; --new-phase to change variants, weights, coverage, surfaces, namespace, seed or control while it runs',
    )
    .requiredOption('--file <changes.json>', 'the fields to change')
    .option('--new-phase', 'start a new phase (results restart from it)')
    .option('--actor <label>', 'who is making the change, for the audit trail', defaultActor())
    .action(async (key: string, options: { file: string; newPhase?: boolean; actor: string }) => {
      const changes = await readSpec(options.file);
      const { formatExperiment } = await import('../../experiments/format-results.js');
      await runtime(async (r) => out(formatExperiment(await r.service.update(key, changes, { newPhase: options.newPhase === true }, options.actor))));
    });

  for (const [name, description] of [
    ['start', 'Start a draft, or resume a paused experiment'],
    ['pause', 'Pause a running experiment (no new exposures)'],
    ['stop', 'Stop a running or paused experiment for good'],
    ['archive', 'Archive a draft or stopped experiment'],
  ] as const) {
    experiments
      .command(`${name} <key>`)
      .description(description)
      .option('--actor <label>', 'who is making the change, for the audit trail', defaultActor())
      .action(async (key: string, options: { actor: string }) => {
        await runtime(async (r) => {
          const e = await r.service[name](key, options.actor);
          out(`${e.spec.key} is ${e.status}${e.archivedAt ? ' (archived)' : ''}. Running gateways apply it within RECGATE_EXPERIMENTS_REFRESH_SECONDS.\n`);
        });
      });
  }

  const resultsOptions = z.object({
    alpha: numberOption('--alpha', z.number().gt(0).lt(0.5)),
    cuped: z.boolean().default(false),
    phase: wholeNumberOption('--phase', z.number().int().min(1)).optional(),
    json: z.boolean().default(false),
  });
  experiments
    .command('results <key>')
    .description('Results per variant: totals, sample ratio check, every metric with lift, intervals, Holm p-values, always-valid intervals, chance to win')
    .option('--alpha <a>', 'significance level', '0.05')
    .option('--cuped', "adjust per-user metrics with each user's reward before the phase")
    .option('--phase <n>', 'an earlier phase (default: the current one)')
    .option('--json', 'print the full results as JSON')
    .action(async (key: string, raw: Record<string, unknown>) => {
      const options = parseCommandOptions(resultsOptions, raw);
      const { formatResults } = await import('../../experiments/format-results.js');
      await runtime(async (r) => {
        const results = await r.results(key, { alpha: options.alpha, cuped: options.cuped, phase: options.phase });
        out(options.json ? `${JSON.stringify(results, null, 2)}\n` : formatResults(results));
      });
    });

  const previewOptions = z.object({
    file: z.string().min(1).optional(),
    experiment: z.string().min(1).optional(),
    bootstrap: wholeNumberOption('--bootstrap', z.number().int().min(10).max(10_000)),
    limit: wholeNumberOption('--limit', z.number().int().min(1)).optional(),
  });
  experiments
    .command('preview')
    .description("Estimate variants' reward per impression from the logged impressions before anyone sees them (IPS, SNIPS, DR with intervals)")
    .option('--experiment <key>', 'the variants of this experiment')
    .option('--file <spec.json>', 'the variants of this spec file (a spec, or just [{ key, serving }])')
    .option('--bootstrap <n>', 'bootstrap resamples per interval', '200')
    .option('--limit <n>', 'read at most n logged slates')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(previewOptions, raw);
      const { rgError } = await import('../../errors.js');
      if ((options.file === undefined) === (options.experiment === undefined)) {
        throw rgError('RG_ERR_INVALID_INPUT', { path: '--experiment / --file', reason: 'give exactly one of them' });
      }
      const { experimentPreview } = await import('../../experiments/preview.js');
      const { formatPreview } = await import('../../experiments/format-results.js');
      const fromFile = options.file === undefined ? null : await readSpec(options.file);
      await runtime(async (r, { config, db, arms }) => {
        const variants =
          fromFile === null
            ? (await r.service.get(options.experiment!)).spec.variants
            : Array.isArray(fromFile)
              ? fromFile
              : (fromFile as { variants?: unknown }).variants;
        const metaPolicy = config.metaPolicy.enabled ? config.metaPolicy : null;
        out(
          formatPreview(
            await experimentPreview(variants, { db, arms, metaPolicy, rewards: config.metaPolicy }, { bootstrap: options.bootstrap, limit: options.limit }),
          ),
        );
      });
    });
}
