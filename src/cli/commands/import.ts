/**
 * `recgate import <format> <path>`: loads a dataset into DATABASE_URL (docs/import.md).
 * The format, the flags and the files are checked before the database is opened, so a typo
 * creates and changes nothing.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { rgError } from '../../errors.js';
import type { BadRow } from '../../import/rows.js';
import type { ProgressBar } from '../progress-bar.js';

const SHOWN_BAD_ROWS = 20;

const wholeNumber = (flag: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `${flag} must be a whole number` })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: `${flag} must be at least ${min}` }).max(max, { error: `${flag} must be at most ${max}` }));

const optionsSchema = z.object({
  items: z.string().min(1).optional(),
  strict: z.boolean().default(false),
  batchSize: wholeNumber('--batch-size', 1, 100_000).default(5000),
  limit: wholeNumber('--limit', 0, Number.MAX_SAFE_INTEGER).optional(),
});

const FLAGS: Record<string, string> = { batchSize: '--batch-size' };

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
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const key = String(issue.path[0] ?? 'options');
        throw rgError('RG_ERR_INVALID_INPUT', { path: FLAGS[key] ?? `--${key}`, reason: issue.message });
      }
      const options = parsed.data;
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
        const summary = await withDatabase((db) =>
          importSource(db, source, {
            strict: options.strict,
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
