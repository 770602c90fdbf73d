/**
 * MovieLens 100K (grouplens.org): a directory with `u.data` (tab-separated
 * `user item rating unix_ts`, ratings 1-5) and `u.item` (pipe-separated
 * `id|title|release date|video release date|IMDb URL|` + 19 genre flags). The original
 * `u.item` is latin1; a re-saved UTF-8 copy is read as UTF-8.
 */
import { z } from 'zod';
import { detectTextEncoding, readLines } from '../line-reader.js';
import { externalIdSchema, numberTextSchema, splitTitleYear, unixSecondsSchema, validateFields } from '../field-schemas.js';
import { badRow, goodRow, type ImportFormat, type InteractionRow, type ItemRow, type JsonObject, type ParsedRow } from '../rows.js';
import { requireDirectoryFiles } from '../source-files.js';

/** The genre flags of `u.item`, in column order (as listed in MovieLens' `u.genre`). */
export const MOVIELENS_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const;

const ITEM_FIELDS = 5 + MOVIELENS_GENRES.length;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const ratingSchema = z.object({
  user: externalIdSchema,
  item: externalIdSchema,
  rating: numberTextSchema.pipe(z.number().min(0, { error: 'is below 0' }).max(5, { error: 'is above 5' })),
  ts: unixSecondsSchema,
});

const releaseDateSchema = z
  .string()
  .trim()
  .refine((text) => text === '' || parseReleaseDate(text) !== null, { error: 'is not a date like 01-Jan-1995' });

const itemSchema = z.object({
  item: externalIdSchema,
  title: z.string().trim().min(1, { error: 'is empty' }),
  releaseDate: releaseDateSchema,
  imdbUrl: z.string().trim(),
  flags: z.array(z.enum(['0', '1'], { error: 'genre flag is not 0 or 1' })),
});

export const movieLensFormat: ImportFormat = {
  name: 'movielens',
  description: 'a MovieLens 100K directory with u.data (user<TAB>item<TAB>rating<TAB>ts) and u.item (id|title|...|19 genre flags)',
  async open(path) {
    const files = await requireDirectoryFiles(path, ['u.data', 'u.item'], 'movielens');
    const dataFile = files['u.data'].path;
    const itemFile = files['u.item'].path;
    const itemEncoding = await detectTextEncoding(itemFile);
    return {
      format: 'movielens',
      files: [dataFile, itemFile],
      interactionBytes: files['u.data'].bytes,
      async *items(): AsyncGenerator<ParsedRow<ItemRow>> {
        for await (const { text, line } of readLines(itemFile, { encoding: itemEncoding })) {
          if (text.trim() === '') continue;
          const source = { file: itemFile, line };
          const fields = text.split('|');
          if (fields.length !== ITEM_FIELDS) {
            yield badRow(source, `has ${fields.length} "|"-separated fields, expected ${ITEM_FIELDS} (5 + 19 genre flags)`);
            continue;
          }
          const parsed = validateFields(itemSchema, {
            item: fields[0],
            title: fields[1],
            releaseDate: fields[2],
            imdbUrl: fields[4],
            flags: fields.slice(5),
          });
          if (!parsed.ok) {
            yield badRow(source, parsed.reason);
            continue;
          }
          const v = parsed.value;
          const { title, year } = splitTitleYear(v.title);
          const released = v.releaseDate === '' ? null : parseReleaseDate(v.releaseDate);
          const attributes: Record<string, string | number> = {};
          const knownYear = year ?? (released === null ? null : Number(released.slice(0, 4)));
          if (knownYear !== null) attributes.year = knownYear;
          if (released !== null) attributes.releaseDate = released;
          if (v.imdbUrl !== '') attributes.imdbUrl = v.imdbUrl;
          yield goodRow(source, {
            externalId: v.item,
            title,
            description: '',
            categories: MOVIELENS_GENRES.filter((_, i) => v.flags[i] === '1'),
            attributes: attributes satisfies JsonObject,
          });
        }
      },
      async *interactions(progress): AsyncGenerator<ParsedRow<InteractionRow>> {
        for await (const { text, line } of readLines(dataFile, { progress })) {
          if (text.trim() === '') continue;
          const source = { file: dataFile, line };
          const fields = text.split('\t');
          if (fields.length !== 4) {
            yield badRow(source, `has ${fields.length} tab-separated fields, expected 4 (user item rating ts)`);
            continue;
          }
          const parsed = validateFields(ratingSchema, { user: fields[0], item: fields[1], rating: fields[2], ts: fields[3] });
          if (!parsed.ok) {
            yield badRow(source, parsed.reason);
            continue;
          }
          yield goodRow(source, {
            userId: parsed.value.user,
            itemId: parsed.value.item,
            type: 'rating',
            value: parsed.value.rating,
            occurredAt: parsed.value.ts,
            userAttributes: null,
            details: {},
          });
        }
      },
    };
  },
};

/** "01-Jan-1995" -> "1995-01-01", or null. */
function parseReleaseDate(text: string): string | null {
  const match = /^(\d{2})-([A-Z][a-z]{2})-(\d{4})$/.exec(text);
  if (!match) return null;
  const month = MONTHS.indexOf(match[2]!);
  if (month < 0) return null;
  const iso = `${match[3]}-${String(month + 1).padStart(2, '0')}-${match[1]}`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}
