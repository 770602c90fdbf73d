/**
 * MovieTweetings (github.com/sidooms/MovieTweetings): a directory with `ratings.dat`
 * (`user_id::movie_id::rating::unix_ts`, ratings 0-10) and `movies.dat`
 * (`movie_id::title (year)::genre|genre|...`, UTF-8).
 */
import { z } from 'zod';
import { readLines } from '../line-reader.js';
import { externalIdSchema, numberTextSchema, splitCategories, splitTitleYear, unixSecondsSchema, validateFields } from '../field-schemas.js';
import { badRow, goodRow, type ImportFormat, type InteractionRow, type ItemRow, type ParsedRow } from '../rows.js';
import { requireDirectoryFiles } from '../source-files.js';

const ratingSchema = z.object({
  user: externalIdSchema,
  movie: externalIdSchema,
  rating: numberTextSchema.pipe(z.number().min(0, { error: 'is below 0' }).max(10, { error: 'is above 10' })),
  ts: unixSecondsSchema,
});

const movieSchema = z.object({
  movie: externalIdSchema,
  title: z.string().trim().min(1, { error: 'is empty' }),
  genres: z.string(),
});

export const movieTweetingsFormat: ImportFormat = {
  name: 'movietweetings',
  description: 'a directory with ratings.dat (user::movie::rating::ts) and movies.dat (movie::title (year)::genres)',
  async open(path) {
    const files = await requireDirectoryFiles(path, ['ratings.dat', 'movies.dat'], 'movietweetings');
    const ratingsFile = files['ratings.dat'].path;
    const moviesFile = files['movies.dat'].path;
    return {
      format: 'movietweetings',
      files: [ratingsFile, moviesFile],
      interactionBytes: files['ratings.dat'].bytes,
      async *items(): AsyncGenerator<ParsedRow<ItemRow>> {
        for await (const { text, line } of readLines(moviesFile)) {
          if (text.trim() === '') continue;
          const source = { file: moviesFile, line };
          const fields = text.split('::');
          if (fields.length !== 3) {
            yield badRow(source, `has ${fields.length} "::"-separated fields, expected 3 (movie::title (year)::genres)`);
            continue;
          }
          const parsed = validateFields(movieSchema, { movie: fields[0], title: fields[1], genres: fields[2] });
          if (!parsed.ok) {
            yield badRow(source, parsed.reason);
            continue;
          }
          const { title, year } = splitTitleYear(parsed.value.title);
          yield goodRow<ItemRow>(source, {
            externalId: parsed.value.movie,
            title,
            description: '',
            categories: splitCategories(parsed.value.genres),
            attributes: year === null ? {} : { year },
          });
        }
      },
      async *interactions(progress): AsyncGenerator<ParsedRow<InteractionRow>> {
        for await (const { text, line } of readLines(ratingsFile, { progress })) {
          if (text.trim() === '') continue;
          const source = { file: ratingsFile, line };
          const fields = text.split('::');
          if (fields.length !== 4) {
            yield badRow(source, `has ${fields.length} "::"-separated fields, expected 4 (user::movie::rating::ts)`);
            continue;
          }
          const parsed = validateFields(ratingSchema, {
            user: fields[0],
            movie: fields[1],
            rating: fields[2],
            ts: fields[3],
          });
          if (!parsed.ok) {
            yield badRow(source, parsed.reason);
            continue;
          }
          yield goodRow(source, {
            userId: parsed.value.user,
            itemId: parsed.value.movie,
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
