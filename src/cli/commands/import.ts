/**
 * `recgate import <format> <path>`: loads a dataset into DATABASE_URL (docs/import.md).
 * The format, the flags and the files are checked before the database is opened, so a typo
 * creates and changes nothing.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseCommandOptions, wholeNumberOption } from '../command-options.js';
import type { BadRow } from '../../import/rows.js';
import type { ProgressBar } from '../progress-bar.js';

const SHOWN_BAD_ROWS = 20;

const optionsSchema = z.object({
  items: z.string().min(1).optional(),
  strict: z.boolean().default(false),
  batchSize: wholeNumberOption(
    '--batch-size',
    z.number().min(1, { error: '--batch-size must be at least 1' }).max(100_000, { error: '--batch-size must be at most 100000' }),
  ).default(5000),
  limit: wholeNumberOption('--limit', z.number().min(0, { error: '--limit must be at least 0' })).optional(),
});

interface RawOptions {
  items?: string;
  strict?: boolean;
  batchSize?: string;
  limit?: string;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import interactions and items from a dataset into DATABASE_URL (re-runs insert nothing twice)')
    .argument('<format>', 'movietweetings | online-retail | movielens | csv')
    .argument('<path>', 'the dataset directory (movietweetings, online-retail, movielens) or the interactions file (csv)')
    .option('--items <file>', 'csv only: an items file with header item,title,description,categories')
    .option('--strict', 'abort on any bad row, writing nothing (default: skip and report bad rows)')
    .option('--batch-size <n>', 'rows per transaction', '5000')
    .option('--limit <n>', 'read at most the first n lines of the interactions file')
    .action(async (format: string, path: string, raw: RawOptions) => {
      const options = parseCommandOptions(optionsSchema, raw);
      const { openImportSource, importSource, formatImportSummary, formatBadRows } = await import('../../import/index.js');
      const source = await openImportSource(format, path, { itemsFile: options.items });

      const { withDatabase } = await import('../with-database.js');
      const { createProgressBar } = await import('../progress-bar.js');
      const shown: BadRow[] = [];
      let badCount = 0;
      // Mutated in callbacks, so not narrowed by control flow.
      const progress: { bar: ProgressBar | null; phase: string } = { bar: null, phase: '' };
      const printBadRows = (): void => {
        for (const line of formatBadRows(badCount, shown)) process.stderr.write(`bad row ${line}\n`);
      };
      try {
        const { loadConfig } = await import('../../config/index.js');
        const { feedbackBounds } = loadConfig();
        const summary = await withDatabase((db) =>
          importSource(db, source, {
            strict: options.strict,
            bounds: feedbackBounds,
            batchSize: options.batchSize,
            limit: options.limit,
            reportBadRows: SHOWN_BAD_ROWS,
            onBadRow(bad) {
              badCount += 1;
              if (shown.length < SHOWN_BAD_ROWS) shown.push(bad);
            },
            onProgress(p) {
              if (p.phase !== progress.phase || progress.bar === null) {
                progress.bar?.done();
                progress.phase = p.phase;
                progress.bar = createProgressBar(`${p.phase} (bytes read)`, p.totalBytes);
              }
              progress.bar.update(p.bytesRead);
            },
          }),
        );
        progress.bar?.done();
        printBadRows();
        process.stdout.write(`${formatImportSummary(summary)}\n`);
      } catch (error) {
        progress.bar?.done();
        printBadRows();
        throw error;
      }
    });
}
