/**
 * `recgate eval`: offline evaluation of strategies on the configured database's data under
 * a named split protocol (docs/evaluation.md). Options, protocol and strategy names are
 * checked before the database is opened, so a typo changes nothing.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { rgError } from '../../errors.js';
import { parseCommandOptions, wholeNumberOption } from '../command-options.js';
import type { EvaluationProgress } from '../../evaluation/offline/evaluate-strategies.js';
import type { InteractionRecord } from '../../strategies/contract.js';
import type { ProgressBar } from '../progress-bar.js';
import type { RegisteredStrategy, StrategyRegistry } from '../../strategies/registry.js';

const optionsSchema = z.object({
  strategy: z.string().trim().min(1, { error: 'name at least one strategy' }).optional(),
  protocol: z.string(),
  k: wholeNumberOption('--k', z.number().int().min(1).max(1000)),
  seed: wholeNumberOption(
    '--seed',
    z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
  ),
  minInteractions: wholeNumberOption('--min-interactions', z.number().int().min(1)),
  json: z.string().min(1).optional(),
  support: z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, { error: '--support must be comma-separated whole numbers, e.g. 0,1,3,5,10' })
    .transform((s) => s.split(',').map((n) => Number(n.trim())))
    .pipe(z.array(z.number().int().min(0).max(1000))),
  query: wholeNumberOption('--query', z.number().int().min(1).max(1000)),
});

/** The strategies `--strategy` names (comma-separated), or every registered one without it. */
export function strategiesToEvaluate(registry: StrategyRegistry, spec: string | undefined): RegisteredStrategy[] {
  const names =
    spec === undefined
      ? registry.names()
      : [
          ...new Set(
            spec
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          ),
        ];
  return names.map((name) => registry.get(name));
}

/** One bar per strategy and phase; a new phase closes the previous bar. */
function progressBars(create: (label: string, total: number) => ProgressBar) {
  let key = '';
  let bar: ProgressBar | null = null;
  return {
    onProgress(p: EvaluationProgress): void {
      const next = `${p.strategy} ${p.phase === 'training' ? 'train %' : 'score'}`;
      if (next !== key) {
        bar?.done();
        key = next;
        bar = create(next, p.total);
      }
      bar!.update(p.done, p.total);
    },
    close(): void {
      bar?.done();
      bar = null;
    },
  };
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description("Evaluate strategies offline on the database's interactions (split, train, rank, score)")
    .option('--strategy <names>', 'comma-separated strategy names, e.g. popularity,als (default: every registered strategy)')
    .requiredOption('--protocol <name>', 'protocol: stratified | temporal | cold-start')
    .option('--k <n>', 'length of the scored top-k list', '10')
    .option('--seed <n>', 'seed of the split and of training', '42')
    .option('--min-interactions <n>', 'users need at least this many distinct positively-interacted items', '4')
    .option('--json <file>', 'also write the full results as JSON to this file')
    .option('--support <sizes>', 'cold-start: first interactions a test user has, comma-separated', '0,1,3,5,10')
    .option('--query <n>', 'cold-start: later interactions ranked for every support size', '10')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(optionsSchema, raw);
      const offline = await import('../../evaluation/offline/index.js');
      const protocol = offline.parseOfflineProtocol(options.protocol);
      const { loadConfig } = await import('../../config/index.js');
      const config = loadConfig();
      const { createRegistry } = await import('../../strategies/create-registry.js');
      const registry = await createRegistry(config);
      const strategies = strategiesToEvaluate(registry, options.strategy); // RG_ERR_STRATEGY_UNKNOWN, before any I/O

      const { openDatabase, dbInteractionReader, dbCatalogReader, describeDatabase } = await import('../../db/index.js');
      const { createProgressBar } = await import('../progress-bar.js');
      const db = await openDatabase(config.databaseUrl);
      const interactions: InteractionRecord[] = [];
      let items;
      try {
        const reader = dbInteractionReader(db, config.signalPolicy);
        const reading = createProgressBar('reading interactions', await reader.count());
        for await (const batch of reader.scan()) {
          for (const r of batch) interactions.push(r);
          reading.update(interactions.length);
        }
        reading.done();
        if (interactions.length === 0) throw rgError('RG_ERR_DATABASE_EMPTY', { database: describeDatabase(db.url), action: 'evaluate' });
        items = await dbCatalogReader(db).items();
      } finally {
        await db.close();
      }

      const bars = progressBars(createProgressBar);
      if (protocol === 'cold-start') {
        const result = await offline
          .evaluateColdStart({
            strategies: strategies.map((s) => ({ definition: s.definition, params: s.params })),
            interactions,
            items,
            seed: options.seed,
            support: options.support,
            query: options.query,
            onProgress: bars.onProgress,
          })
          .finally(() => bars.close());
        process.stdout.write(`${offline.describeColdStartSplit(result)}\n\n${offline.formatColdStartTable(result)}\n`);
        await writeJson(options.json, result);
        return;
      }
      const result = await offline
        .evaluateStrategies({
          strategies: strategies.map((s) => ({ definition: s.definition, params: s.params })),
          interactions,
          items,
          protocol,
          k: options.k,
          seed: options.seed,
          minInteractions: options.minInteractions,
          historyLength: config.historyLength,
          onProgress: bars.onProgress,
        })
        .finally(() => bars.close());

      process.stdout.write(`${offline.describeSplit(result)}\n\n${offline.formatEvaluationTable(result)}\n`);
      await writeJson(options.json, result);
    });
}

async function writeJson(target: string | undefined, result: object): Promise<void> {
  if (!target) return;
  const { mkdir, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const file = path.resolve(target);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...result }, null, 2)}\n`);
  process.stdout.write(`\nwrote ${file}\n`);
}
