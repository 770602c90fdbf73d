import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRecgateError } from '../../src/errors.js';
import { loadMovieTweetingsFixture } from '../../src/testing/fixture.js';
import { MOVIETWEETINGS_DIR as DIRECTORY } from '../support/datasets.js';

describe('MovieTweetings fixture', () => {
  it('reads the first N ratings with their movies as the catalogue', () => {
    const fixture = loadMovieTweetingsFixture({ directory: DIRECTORY, ratings: 3000 });
    expect(fixture.interactions.length).toBe(3000);
    expect(fixture.userIds.length).toBe(543); // counted with awk on the first 3,000 lines
    expect(fixture.items.length).toBe(1315);
    const times = fixture.interactions.map((r) => r.occurredAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(fixture.now).toBe(Math.max(...times) + 1000);
    // First line of ratings.dat: 1::1074638::7::1365029107; of movies.dat for it: its title and genres.
    const first = fixture.interactions.find((r) => r.userId === '1' && r.itemId === '1074638')!;
    expect(first).toMatchObject({ type: 'rating', value: 7, weight: 1, occurredAt: 1365029107000 });
    const movie = fixture.items.find((i) => i.id === '1074638')!;
    expect(movie.title).toMatch(/\(\d{4}\)$/);
    expect(movie.categories.length).toBeGreaterThan(0);
    expect(movie.attributes.year).toBe(Number(/\((\d{4})\)$/.exec(movie.title)![1]));
  });

  it('can load the whole catalogue and apply a signal policy', () => {
    const fixture = loadMovieTweetingsFixture({
      directory: DIRECTORY,
      ratings: 200,
      catalogue: 'all',
      signalPolicy: { weights: { view: 0.5, click: 1, add_to_cart: 2, purchase: 3, rating: 2, dismiss: -1 }, ratingPositiveMin: 7 },
    });
    expect(fixture.items.length).toBe(10506);
    for (const r of fixture.interactions) expect(r.weight).toBe(r.value! >= 7 ? 2 : 0);
  });

  it('reads the copy shipped with recgate by default, wherever the package is', () => {
    const fixture = loadMovieTweetingsFixture({ ratings: 10 });
    expect(fixture.directory).toBe(DIRECTORY);
    expect(fixture.interactions.length).toBe(10);
  });

  it('fails with RG_ERR_IMPORT_FILE when the data is not there', () => {
    let code = 'no error';
    try {
      loadMovieTweetingsFixture({ directory: resolve(DIRECTORY, 'no-such-folder') });
    } catch (error) {
      code = isRecgateError(error) ? error.code : String(error);
    }
    expect(code).toBe('RG_ERR_IMPORT_FILE');
  });
});
