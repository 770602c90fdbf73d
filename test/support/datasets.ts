/**
 * Where the tests' data lives: inside the repository, so a clone with nothing beside it runs
 * the suite. MovieTweetings is the copy recgate ships for the demo; Online Retail and the Open
 * Bandit sample are small slices cut by `scripts/cut-test-fixtures.ts` (see each folder's
 * PROVENANCE.md for how, and what the slice holds).
 */
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** MovieTweetings 100k, whole (`ratings.dat`, `movies.dat`). */
export const MOVIETWEETINGS_DIR = path.join(REPO_ROOT, 'data/movietweetings-100k');
/** Online Retail, the first 12,000 purchase lines (`purchases.csv.gz`, `items.csv`). */
export const ONLINE_RETAIL_DIR = path.join(REPO_ROOT, 'test/fixtures/online-retail');
/** Open Bandit sample, "men" campaign, the first 1,000 rounds of each log (`{random,bts}/men/`). */
export const OPEN_BANDIT_DIR = path.join(REPO_ROOT, 'test/fixtures/open-bandit');
