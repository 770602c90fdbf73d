/**
 * The parsers, through `loadDataset` (no database): each format on a slice of the real
 * files, malformed rows reported with file and line, and the coded errors for wrong paths,
 * wrong headers and unknown formats.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import { splitCsvLine } from '../../src/import/csv-line.js';
import { createIdempotencyKeys } from '../../src/import/idempotency-key.js';
import { IMPORT_FORMAT_NAMES, loadDataset, MOVIELENS_GENRES, type InteractionRow } from '../../src/import/index.js';
import { DEFAULT_SIGNAL_POLICY, signalPolicySchema } from '../../src/interactions/index.js';
import { csvFiles, MOVIELENS_FIXTURE, movieLensCopy, movieTweetingsSlice, onlineRetailSlice, tempDirectory } from './dataset-slices.js';

let temp: ReturnType<typeof tempDirectory>;
beforeEach(() => {
  temp = tempDirectory();
});
afterEach(() => temp.remove());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isRecgateError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a coded error');
}

describe('movietweetings', () => {
  it('reads ratings with their values and times, and movies with title, year and genres', async () => {
    const slice = movieTweetingsSlice(temp.dir, 500);
    const data = await loadDataset('movietweetings', temp.dir);
    expect(data.badRows).toEqual([]);
    expect(data.interactions).toHaveLength(500);
    for (const [i, line] of slice.ratings.entries()) {
      const [user, movie, rating, ts] = line.split('::');
      expect(data.interactions[i]).toEqual({
        userId: user,
        itemId: movie,
        type: 'rating',
        value: Number(rating),
        weight: DEFAULT_SIGNAL_POLICY.weights.rating,
        occurredAt: Number(ts) * 1000,
      });
    }
    expect(data.items).toHaveLength(slice.movies.length);
    const [id, titleYear, genres] = slice.movies[0]!.split('::');
    const first = data.items.find((item) => item.id === id)!;
    expect(`${first.title} (${String(first.attributes.year)})`).toBe(titleYear);
    expect(first.categories).toEqual(genres!.split('|').filter(Boolean));
  });

  it('skips malformed lines, reporting file and line, and keeps the rest', async () => {
    movieTweetingsSlice(temp.dir, 50, ['7::0114709::eleven::1365029107', '7::0114709::8', '', '8::0114709::11::1365029107']);
    const data = await loadDataset('movietweetings', temp.dir);
    expect(data.interactions).toHaveLength(50);
    const file = path.join(temp.dir, 'ratings.dat');
    expect(data.badRows.map((b) => [b.file, b.line])).toEqual([
      [file, 51],
      [file, 52],
      [file, 54],
    ]);
    expect(data.badRows[0]!.reason).toMatch(/rating is not a number/);
    expect(data.badRows[1]!.reason).toMatch(/3 "::"-separated fields, expected 4/);
    expect(data.badRows[2]!.reason).toMatch(/rating is above 10/);
  });

  it('reports a movie listed twice as a bad row and keeps the first', async () => {
    const slice = movieTweetingsSlice(temp.dir, 20);
    const [id] = slice.movies[0]!.split('::');
    appendFileSync(path.join(temp.dir, 'movies.dat'), `${id}::Another Title (1999)::Drama\n`);
    const data = await loadDataset('movietweetings', temp.dir);
    expect(data.badRows).toHaveLength(1);
    expect(data.badRows[0]).toMatchObject({ line: slice.movies.length + 1 });
    expect(data.badRows[0]!.reason).toMatch(/listed again \(first at line 1\)/);
    expect(data.items.find((item) => item.id === id)!.title).not.toBe('Another Title');
  });

  it('applies the signal policy and the limit', async () => {
    movieTweetingsSlice(temp.dir, 300);
    const policy = signalPolicySchema.parse({ ratingPositiveMin: 8 });
    const data = await loadDataset('movietweetings', temp.dir, { signalPolicy: policy, limit: 120 });
    expect(data.interactions).toHaveLength(120);
    for (const r of data.interactions) expect(r.weight).toBe(r.value! >= 8 ? policy.weights.rating : 0);
    expect(data.interactions.some((r) => r.weight === 0)).toBe(true);
  });
});

describe('online-retail', () => {
  it('reads gzipped purchases (value = quantity) and items, falling back to the stock code for empty titles', async () => {
    const slice = onlineRetailSlice(temp.dir, 1000);
    appendFileSync(path.join(temp.dir, 'items.csv'), '99999Z,,0\n21228,"POCKET MIRROR ""GLAMOROUS""",2\n');
    const data = await loadDataset('online-retail', temp.dir);
    expect(data.badRows).toEqual([]);
    expect(data.interactions).toHaveLength(1000);
    const [customer, code, , ts, quantity] = slice.purchases[3]!.split(',');
    expect(data.interactions[3]).toEqual({
      userId: customer,
      itemId: code,
      type: 'purchase',
      value: Number(quantity),
      weight: DEFAULT_SIGNAL_POLICY.weights.purchase,
      occurredAt: Number(ts) * 1000,
    });
    expect(data.items.find((i) => i.id === '99999Z')!.title).toBe('99999Z');
    expect(data.items.find((i) => i.id === '21228')!.title).toBe('POCKET MIRROR "GLAMOROUS"');
    expect(data.items).toHaveLength(slice.items.length + 2);
  });

  it('reports bad purchase lines with file and line', async () => {
    onlineRetailSlice(temp.dir, 30, [
      '17850,85123A,536365,1291191960,0,2.55,United Kingdom',
      '17850,85123A,536365,yesterday,6,2.55,United Kingdom',
      '17850,85123A,536365,1291191960,6,2.55',
      '17850,"85123A,536365,1291191960,6,2.55,United Kingdom',
    ]);
    const data = await loadDataset('online-retail', temp.dir);
    expect(data.interactions).toHaveLength(30);
    const file = path.join(temp.dir, 'purchases.csv.gz');
    expect(data.badRows.map((b) => `${b.file}:${b.line}`)).toEqual([32, 33, 34, 35].map((l) => `${file}:${l}`));
    expect(data.badRows.map((b) => b.reason)).toEqual([
      expect.stringMatching(/quantity is not positive/),
      expect.stringMatching(/ts_unix_utc is not unix seconds/),
      expect.stringMatching(/has 6 fields, the header has 7/),
      expect.stringMatching(/quoted field is not closed/),
    ]);
  });

  it('refuses a purchases file with another header, and a corrupt gzip', async () => {
    onlineRetailSlice(temp.dir, 5);
    writeFileSync(path.join(temp.dir, 'purchases.csv.gz'), gzipSync('customer,item,when\n1,2,3\n'));
    expect(await codeOf(loadDataset('online-retail', temp.dir))).toMatch(/^RG_ERR_IMPORT_FILE: .*missing column\(s\) customer_id/);
    const whole = gzipSync(readFileSync(path.join(temp.dir, 'items.csv')).toString().repeat(200));
    writeFileSync(path.join(temp.dir, 'purchases.csv.gz'), whole.subarray(0, whole.length - 40));
    expect(await codeOf(loadDataset('online-retail', temp.dir))).toMatch(/^RG_ERR_IMPORT_FILE: .*purchases\.csv\.gz/);
  });
});

describe('movielens', () => {
  it('reads the latin1 u.item with its 19 genre flags and the tab-separated u.data', async () => {
    const data = await loadDataset('movielens', MOVIELENS_FIXTURE);
    expect(data.badRows).toEqual([]);
    expect(data.interactions).toHaveLength(12);
    expect(data.interactions[0]).toEqual({
      userId: '196',
      itemId: '1',
      type: 'rating',
      value: 3,
      weight: DEFAULT_SIGNAL_POLICY.weights.rating,
      occurredAt: 881250949_000,
    });
    const byId = new Map(data.items.map((i) => [i.id, i]));
    expect(byId.get('1')).toMatchObject({
      title: 'Toy Story',
      categories: ['Animation', "Children's", 'Comedy'],
      attributes: { year: 1995, releaseDate: '1995-01-01' },
    });
    expect(byId.get('6')!.title).toBe('Misérables, Les');
    expect(byId.get('8')).toMatchObject({ title: 'unknown', categories: ['unknown'], attributes: {} });
    expect(MOVIELENS_GENRES).toHaveLength(19);
  });

  it('reads a UTF-8 re-saved u.item the same way', async () => {
    movieLensCopy(temp.dir);
    writeFileSync(path.join(temp.dir, 'u.item'), readFileSync(path.join(MOVIELENS_FIXTURE, 'u.item')).toString('latin1'), 'utf8');
    const fromUtf8 = await loadDataset('movielens', temp.dir);
    const fromLatin1 = await loadDataset('movielens', MOVIELENS_FIXTURE);
    expect(fromUtf8.items.map((i) => i.title)).toEqual(fromLatin1.items.map((i) => i.title));
  });

  it('reports bad u.data and u.item lines', async () => {
    movieLensCopy(temp.dir, ['196\t1\t6\t881250949', '196 1 3 881250949']);
    appendFileSync(path.join(temp.dir, 'u.item'), '9|Short Line (1995)|01-Jan-1995||\n', 'latin1');
    const data = await loadDataset('movielens', temp.dir);
    expect(data.interactions).toHaveLength(12);
    expect(data.badRows.map((b) => `${path.basename(b.file)}:${b.line}`)).toEqual(['u.item:9', 'u.data:13', 'u.data:14']);
    expect(data.badRows[0]!.reason).toMatch(/expected 24/);
    expect(data.badRows[1]!.reason).toMatch(/rating is above 5/);
  });
});

describe('csv', () => {
  it('reads unix and ISO 8601 times, empty values, any column order, and an items file', async () => {
    const { file, itemsFile } = csvFiles(
      temp.dir,
      [
        'ts,user,item,type,value',
        '1700000000,u1,i1,view,',
        '2023-11-14T22:13:20Z,u1,i2,rating,4.5',
        '2023-11-14T23:13:20+01:00,u2,i1,purchase,2',
        '2023-11-15,u2,i3,click,',
      ],
      ['item,title,description,categories', 'i1,Red mug,"A mug, red",kitchen|mugs', 'i2,,,'],
    );
    const data = await loadDataset('csv', file, { itemsFile });
    expect(data.badRows).toEqual([]);
    expect(data.interactions.map((r) => [r.userId, r.itemId, r.type, r.value, r.occurredAt])).toEqual([
      ['u1', 'i1', 'view', null, 1_700_000_000_000],
      ['u1', 'i2', 'rating', 4.5, 1_700_000_000_000],
      ['u2', 'i1', 'purchase', 2, 1_700_000_000_000],
      ['u2', 'i3', 'click', null, Date.UTC(2023, 10, 15)],
    ]);
    expect(data.items.map((i) => [i.id, i.title, i.description, i.categories])).toEqual([
      ['i1', 'Red mug', 'A mug, red', ['kitchen', 'mugs']],
      ['i2', 'i2', '', []],
      // Mentioned only by an interaction: a placeholder named after its id.
      ['i3', 'i3', '', []],
    ]);
  });

  it('reports a bad type, a time without a zone, and a bad value, with file and line', async () => {
    const { file } = csvFiles(temp.dir, [
      'user,item,type,value,ts',
      'u1,i1,like,,1700000000',
      'u1,i1,view,,2023-11-14T22:13:20',
      'u1,i1,rating,five,1700000000',
      'u1,i1,view,,1700000000',
      ',i1,view,,1700000000',
      'u\u00002,i1,view,,1700000000',
      'u1,i1,add_to_cart,-2,1700000000',
    ]);
    const data = await loadDataset('csv', file);
    expect(data.interactions).toHaveLength(1);
    expect(data.badRows.map((b) => `${b.file}:${b.line}`)).toEqual([2, 3, 4, 6, 7, 8].map((l) => `${file}:${l}`));
    expect(data.badRows[0]!.reason).toMatch(/type is "like", not one of view, click, add_to_cart, purchase, rating, dismiss/);
    expect(data.badRows[1]!.reason).toMatch(/ts is neither unix seconds nor ISO 8601 with a time zone/);
    expect(data.badRows[2]!.reason).toMatch(/value is not a number/);
    expect(data.badRows[3]!.reason).toMatch(/user is empty/);
    // PostgreSQL cannot store a NUL: the importer refuses it as the API does.
    expect(data.badRows[4]!.reason).toMatch(/user contains a control character/);
    expect(data.badRows[5]!.reason).toMatch(/add_to_cart quantity -2 is not positive/);
  });

  it('requires the header, and a file rather than a directory', async () => {
    const { file } = csvFiles(temp.dir, ['user,item,kind,ts', 'u1,i1,view,1700000000']);
    expect(await codeOf(loadDataset('csv', file))).toMatch(/^RG_ERR_IMPORT_FILE: .*missing column\(s\) type and unknown column\(s\) kind/);
    expect(await codeOf(loadDataset('csv', temp.dir))).toMatch(/^RG_ERR_IMPORT_FILE: .*not a regular file/);
  });
});

describe('paths and formats', () => {
  it('rejects an unknown format, naming the known ones', async () => {
    expect(await codeOf(loadDataset('netflix', temp.dir))).toBe(
      `RG_ERR_IMPORT_FORMAT: Unknown import format "netflix". Formats: ${IMPORT_FORMAT_NAMES.join(', ')}.`,
    );
  });

  it('rejects a missing directory, a missing file in it, and a file where a directory belongs', async () => {
    expect(await codeOf(loadDataset('movietweetings', path.join(temp.dir, 'nope')))).toMatch(/^RG_ERR_IMPORT_FILE: .*no such directory/);
    movieTweetingsSlice(temp.dir, 5);
    writeFileSync(path.join(temp.dir, 'u.data'), '');
    expect(await codeOf(loadDataset('movielens', temp.dir))).toMatch(/^RG_ERR_IMPORT_FILE: Cannot read .*u\.item: no such file/);
    expect(await codeOf(loadDataset('movietweetings', path.join(temp.dir, 'ratings.dat')))).toMatch(
      /^RG_ERR_IMPORT_FILE: .*takes a directory holding ratings\.dat and movies\.dat/,
    );
  });

  it('takes --items only for csv', async () => {
    movieTweetingsSlice(temp.dir, 5);
    expect(await codeOf(loadDataset('movietweetings', temp.dir, { itemsFile: path.join(temp.dir, 'movies.dat') }))).toMatch(
      /^RG_ERR_INVALID_INPUT: Invalid input at --items/,
    );
  });
});

describe('building blocks', () => {
  it('splits CSV lines with RFC 4180 quoting and rejects stray quotes', () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",')).toEqual({ ok: true, fields: ['a', 'b, c', 'say "hi"', ''] });
    expect(splitCsvLine('a,b"c')).toEqual({ ok: false, reason: 'a quote inside an unquoted field at column 4' });
    expect(splitCsvLine('"a"b,c')).toEqual({ ok: false, reason: 'text after a closing quote at column 4' });
    expect(splitCsvLine('a,"b,c')).toEqual({ ok: false, reason: 'a quoted field is not closed on this line' });
    expect(splitCsvLine('"",""""')).toEqual({ ok: true, fields: ['', '"'] });
    expect(splitCsvLine('plain,fields,')).toEqual({ ok: true, fields: ['plain', 'fields', ''] });
  });

  it('derives the same idempotency keys from the same rows, counting identical rows apart', () => {
    const row: InteractionRow = {
      userId: 'u1',
      itemId: 'i1',
      type: 'purchase',
      value: 6,
      occurredAt: 1_291_191_960_000,
      userAttributes: { country: 'United Kingdom' },
      details: { invoice: '536365', unitPriceGbp: 2.55 },
    };
    const first = createIdempotencyKeys('online-retail');
    const again = createIdempotencyKeys('online-retail');
    const keys = [first(row), first(row), first({ ...row, details: { unitPriceGbp: 2.55, invoice: '536366' } })];
    expect([again(row), again(row)]).toEqual(keys.slice(0, 2));
    expect(keys[0]).toMatch(/^import:online-retail:[0-9a-z]{9}:[\w-]{22}:0$/);
    expect(keys[1]).toBe(keys[0]!.replace(/:0$/, ':1'));
    expect(new Set(keys).size).toBe(3);
  });
});
