/**
 * Where the benchmarks find their data. They read the whole datasets, which do not ship with
 * recgate (tests use the small slices in test/fixtures/): a development clone has them in
 * `../shared/datasets/` beside it. MovieTweetings 100k ships whole in `data/` (the demo's
 * data, byte for byte the same files), so benchmarks on it run from any clone.
 *
 * A missing dataset ends the bench with a message naming the folder and what belongs in it,
 * and exit status 1: no stack trace.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The datasets folder beside the clone. */
export const SHARED_DATASETS = path.resolve(REPO_ROOT, '../shared/datasets');

interface DatasetLocation {
  readonly title: string;
  readonly directory: string;
  /** Files the benches read, relative to `directory`. */
  readonly files: readonly string[];
  /** Where a user learns what the files are and where they come from. */
  readonly provenance: string;
}

const LOCATIONS = {
  movietweetings: {
    title: 'MovieTweetings 100k sample',
    directory: path.join(REPO_ROOT, 'data/movietweetings-100k'),
    files: ['ratings.dat', 'movies.dat'],
    provenance: 'data/movietweetings-100k/PROVENANCE.md',
  },
  'online-retail': {
    title: 'Online Retail dataset',
    directory: path.join(SHARED_DATASETS, 'online-retail'),
    files: ['purchases.csv.gz', 'items.csv'],
    provenance: 'test/fixtures/online-retail/PROVENANCE.md',
  },
  'open-bandit': {
    title: 'Open Bandit Dataset small sample ("men" campaign)',
    directory: path.join(SHARED_DATASETS, 'open-bandit-sample'),
    files: ['random/men/men.csv', 'random/men/item_context.csv', 'bts/men/men.csv', 'bts/men/item_context.csv'],
    provenance: 'test/fixtures/open-bandit/PROVENANCE.md',
  },
} as const satisfies Record<string, DatasetLocation>;

export type BenchDataset = keyof typeof LOCATIONS;
export const BENCH_DATASETS = Object.keys(LOCATIONS) as BenchDataset[];

/**
 * The folder of a whole dataset. When a file is missing, prints what to put where and exits
 * the process with status 1, before the bench has done any work worth keeping.
 */
export function datasetDirectory(name: BenchDataset): string {
  // Names often come from a command line: an unknown one gets the same plain message.
  const location = (LOCATIONS as Record<string, DatasetLocation | undefined>)[name];
  if (location === undefined) {
    process.stderr.write(`unknown dataset "${name}"; known: ${BENCH_DATASETS.join(', ')}\n`);
    process.exit(1);
  }
  const missing = location.files.filter((file) => !existsSync(path.join(location.directory, file)));
  if (missing.length > 0) {
    const bench = path.relative(REPO_ROOT, process.argv[1] ?? 'this benchmark');
    const problem = existsSync(location.directory) ? `which has no ${missing.join(', ')}` : 'which does not exist';
    process.stderr.write(
      `${bench} needs the whole ${location.title} in ${location.directory}, ${problem}.\n` +
        `Put its files there: ${location.files.join(', ')} (source and layout: ${location.provenance}).\n` +
        `Tests do not need it: they use the small slices in test/fixtures/.\n`,
    );
    process.exit(1);
  }
  return location.directory;
}
