/**
 * `recgate export impressions --format jsonl|csv [--out file]`: the impression log (every
 * slate with its features, arm, propensity and reward) for analysis elsewhere. Options are
 * checked before the database is opened.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { z } from 'zod';
import { rgError } from '../../errors.js';
import { parseCommandOptions } from '../command-options.js';
import { openOutputSink } from '../output-sink.js';

const optionsSchema = z.object({
  format: z.enum(['jsonl', 'csv']),
  out: z.string().min(1).optional(),
});

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Export data for analysis elsewhere: impressions (slates with features, strategy, propensity, reward)')
    .argument('<what>', 'what to export: impressions')
    .option('--format <format>', 'jsonl | csv', 'jsonl')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (what: string, raw: Record<string, unknown>) => {
      if (what !== 'impressions') throw rgError('RG_ERR_INVALID_INPUT', { path: '<what>', reason: `"${what}" cannot be exported; use impressions` });
      const options = parseCommandOptions(optionsSchema, raw);
      const [{ withDatabase }, { readImpressions, formatImpressions }] = await Promise.all([
        import('../with-database.js'),
        import('../../policy/impression-export.js'),
      ]);
      const out = options.out ? createWriteStream(options.out) : null;
      if (out) {
        await Promise.race([once(out, 'open'), once(out, 'error').then(([error]) => Promise.reject(error))]).catch((error: unknown) => {
          throw rgError('RG_ERR_IMPORT_FILE', { file: options.out, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
        });
      }
      let count = 0;
      const stdout = out ? null : openOutputSink(process.stdout);
      await withDatabase(async (db) => {
        for await (const line of formatImpressions(readImpressions(db), options.format)) {
          if (out) {
            if (!out.write(line)) await once(out, 'drain');
          } else if (!(await stdout!.write(line))) return; // the reader closed the pipe (| head): done
          count++;
        }
        // An empty export is most often the wrong database: say which one was read.
        if ((options.format === 'csv' ? count - 1 : count) <= 0) {
          const { describeDatabase } = await import('../../db/index.js');
          process.stderr.write(
            `no impressions in ${describeDatabase(db.url)}: slates are logged as a gateway serves them (DATABASE_URL names another database)\n`,
          );
        }
      });
      stdout?.close();
      if (out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`wrote ${options.format === 'csv' ? count - 1 : count} impressions to ${options.out}\n`);
      }
    });
}
