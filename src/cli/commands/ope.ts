/**
 * `recgate ope`: off-policy evaluation of a target policy on logged bandit feedback
 * (docs/off-policy-evaluation.md). Options and both specs are checked before any file is
 * read, so a typo changes nothing and costs nothing.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { rgError } from '../../errors.js';
import { numberOption, parseCommandOptions } from '../command-options.js';

const optionsSchema = z.object({
  target: z.string().trim().min(1),
  log: z.string().trim().min(1),
  json: z.string().min(1).optional(),
  bootstrap: numberOption('--bootstrap', z.number().int().min(10).max(1_000_000)),
  seed: numberOption(
    '--seed',
    z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
  ),
  clip: numberOption('--clip', z.number().positive()),
  confidence: numberOption('--confidence', z.number().gt(0).lt(1)),
  switchThreshold: numberOption('--switch-threshold', z.number().positive()),
  shrinkage: numberOption('--shrinkage', z.number().min(0)),
  rewardModel: z.enum(['auto', 'logistic', 'empirical']),
  folds: numberOption('--folds', z.number().int().min(1).max(20)),
  limit: numberOption('--limit', z.number().int().min(1)).optional(),
});

export function registerOpeCommand(program: Command): void {
  program
    .command('ope')
    .description("Off-policy evaluation: estimate a target policy's reward from logged bandit feedback (IPS, SNIPS, DM, DR and variants)")
    .requiredOption(
      '--target <policy>',
      'policy to evaluate: uniform | logged:<file.csv> | strategy:<name> | meta-policy:<key>=<value>,... (floor, temperature, alpha, priorPulls)',
    )
    .requiredOption('--log <source>', 'logged bandit feedback: obd:<file.csv> | impressions')
    .option('--json <file>', 'also write the full report as JSON to this file')
    .option('--bootstrap <n>', 'bootstrap resamples per confidence interval', '1000')
    .option('--seed <n>', 'seed of the bootstrap and of the cross-fitting folds', '12345')
    .option('--clip <w>', 'importance weight cap of ips-clipped and dr-clipped', '50')
    .option('--confidence <level>', 'coverage of the bootstrap intervals', '0.95')
    .option('--switch-threshold <tau>', 'switch-dr uses the reward model alone above this weight', '100')
    .option('--shrinkage <lambda>', 'dr-os weight shrinkage lambda (0 = DM, larger = closer to DR)', '100')
    .option(
      '--reward-model <kind>',
      'reward model of DM and the DR family: auto (logistic for rewards in [0, 1], else empirical) | logistic | empirical',
      'auto',
    )
    .option('--folds <k>', 'cross-fitting folds of the reward model (1 = none)', '3')
    .option('--limit <n>', 'read only the first n rounds of the log')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(optionsSchema, raw);
      const { resolveFeedbackSource, parseTargetPolicySpec, resolveTargetPolicy, evaluateOffPolicy, formatOffPolicyReport } =
        await import('../../evaluation/off-policy/index.js');
      type Providers = { log: Parameters<typeof resolveFeedbackSource>[1]; target: Parameters<typeof resolveTargetPolicy>[2] };
      const evaluate = async (providers: Providers) => {
        parseTargetPolicySpec(options.target, providers.target);
        const source = resolveFeedbackSource(options.log, providers.log);
        const feedback = await source.load(options.limit === undefined ? {} : { limit: options.limit });
        const target = await resolveTargetPolicy(options.target, feedback.space, providers.target, feedback);
        return evaluateOffPolicy(feedback, target, {
          bootstrap: options.bootstrap,
          seed: options.seed,
          clip: options.clip,
          confidence: options.confidence,
          switchThreshold: options.switchThreshold,
          shrinkage: options.shrinkage,
          rewardModel: options.rewardModel,
          folds: options.folds,
        });
      };
      // recgate's own impression log: the arms are the registered strategies (src/policy/impression-bandit-log.ts).
      const report =
        options.log.trim() === 'impressions'
          ? await (async () => {
              const [{ withDatabase }, { loadConfig }, { createRegistry }, { impressionFeedbackSource, armTargetFactory }, { metaPolicyTargetProvider }] =
                await Promise.all([
                  import('../with-database.js'),
                  import('../../config/index.js'),
                  import('../../strategies/create-registry.js'),
                  import('../../policy/impression-bandit-log.js'),
                  import('../../policy/meta-policy-target.js'),
                ]);
              const config = loadConfig();
              const arms = (await createRegistry(config)).names();
              return withDatabase((db) =>
                evaluate({
                  log: {
                    impressions: impressionFeedbackSource(db, {
                      arms,
                      rewardWindowMs: config.metaPolicy.rewardWindowMs,
                      defaultReward: config.metaPolicy.defaultReward,
                    }),
                  },
                  target: { strategy: armTargetFactory, metaPolicy: metaPolicyTargetProvider({ db, config: config.metaPolicy }) },
                }),
              );
            })()
          : await evaluate({ log: {}, target: {} });
      process.stdout.write(formatOffPolicyReport(report));
      if (options.json) {
        try {
          await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
        } catch (error) {
          throw rgError('RG_ERR_IMPORT_FILE', { file: options.json, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
        }
        process.stdout.write(`wrote ${options.json}\n`);
      }
    });
}
