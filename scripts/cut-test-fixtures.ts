/**
 * Cuts the small data slices the tests read, from the full datasets beside a development
 * clone (`../shared/datasets`), into `test/fixtures/`. Deterministic: the same source files
 * give the same slices, byte for byte (the gzip stream is written without a file name or
 * time). Rows are copied unmodified; only whole lines are kept or dropped.
 *
 *   npx tsx scripts/cut-test-fixtures.ts                    # from ../shared/datasets
 *   npx tsx scripts/cut-test-fixtures.ts --from /data/sets  # from another folder
 *
 * MovieTweetings needs no slice: the whole 100k snapshot ships in `data/movietweetings-100k/`.
 * Each slice's PROVENANCE.md says what was cut; keep the sizes below in step with it.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { splitCsvLine } from '../src/import/csv-line.js';

/** Purchase lines (after the header) of Online Retail: the most any test reads (two-tower cold start). */
const ONLINE_RETAIL_PURCHASES = 12_000;
/** Impressions (after the header) of each Open Bandit log, random and bts. */
const OPEN_BANDIT_ROUNDS = 1_000;

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

function need(file: string): string {
  if (!existsSync(file)) {
    process.stderr.write(`cut-test-fixtures: ${file} is missing. Pass --from <folder holding online-retail/ and open-bandit-sample/>.\n`);
    process.exit(1);
  }
  return file;
}

/** The header and first purchases (gzipped again), and the items.csv lines of the codes they name. */
function cutOnlineRetail(source: string, target: string): void {
  const purchases = lines(gunzipSync(readFileSync(need(path.join(source, 'purchases.csv.gz')))).toString('utf8'));
  const kept = purchases.slice(0, 1 + ONLINE_RETAIL_PURCHASES);
  const codes = new Set(kept.slice(1).map((line) => line.split(',')[1]));
  const items = lines(readFileSync(need(path.join(source, 'items.csv')), 'utf8'));
  const keptItems = items.slice(1).filter((line) => {
    const split = splitCsvLine(line);
    if (!split.ok) throw new Error(`items.csv: ${split.reason}: ${line}`);
    return codes.has(split.fields[0]);
  });
  mkdirSync(target, { recursive: true });
  // gzip of Node's zlib writes mtime 0 and no name: the bytes depend on the content only.
  writeFileSync(path.join(target, 'purchases.csv.gz'), gzipSync(`${kept.join('\n')}\n`, { level: 9 }));
  writeFileSync(path.join(target, 'items.csv'), `${[items[0]!, ...keptItems].join('\n')}\n`);
  // The package description that declares the license (CC0) and names the donor.
  copyFileSync(need(path.join(source, 'DESCRIPTION.onlineretail')), path.join(target, 'DESCRIPTION.onlineretail'));
  console.log(`online-retail: ${kept.length - 1} purchases, ${keptItems.length} items -> ${path.relative(REPO_ROOT, target)}`);
}

/** The header and first rounds of each log, with its item_context.csv, in the original layout. */
function cutOpenBandit(source: string, target: string): void {
  for (const policy of ['random', 'bts']) {
    const from = path.join(source, policy, 'men');
    const to = path.join(target, policy, 'men');
    mkdirSync(to, { recursive: true });
    const log = readFileSync(need(path.join(from, 'men.csv')), 'utf8').split('\n');
    writeFileSync(path.join(to, 'men.csv'), `${log.slice(0, 1 + OPEN_BANDIT_ROUNDS).join('\n')}\n`);
    copyFileSync(need(path.join(from, 'item_context.csv')), path.join(to, 'item_context.csv'));
    console.log(`open-bandit ${policy}: ${OPEN_BANDIT_ROUNDS} rounds -> ${path.relative(REPO_ROOT, to)}`);
  }
  copyFileSync(need(path.join(source, 'LICENSE')), path.join(target, 'LICENSE'));
}

const { values } = parseArgs({ options: { from: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/datasets') } } });
const from = path.resolve(values.from!);
cutOnlineRetail(path.join(from, 'online-retail'), path.join(FIXTURES, 'online-retail'));
cutOpenBandit(path.join(from, 'open-bandit-sample'), path.join(FIXTURES, 'open-bandit'));
