/** The demo's time shift: the newest interaction ends at the given instant, order and gaps kept. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftInteractionsToEndAt } from '../../src/import/shift-interaction-times.js';
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from '../support/test-database.js';

const TIMES = [Date.UTC(2013, 0, 1, 12), Date.UTC(2013, 5, 30, 8, 15, 0, 250), Date.UTC(2013, 8, 2, 23, 59, 59, 999)];

describe.each(TEST_PROVIDERS)('shiftInteractionsToEndAt on %s', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it('does nothing on an empty database', async () => {
    expect(await shiftInteractionsToEndAt(database.db, new Date())).toEqual({ shiftMs: 0, newestBefore: null, newestAfter: null });
  });

  it('moves every interaction by one offset so that the newest is at the end instant', async () => {
    const { prisma } = database.db;
    const user = await prisma.user.create({ data: { externalId: 'u1', attributes: {} } });
    const item = await prisma.item.create({ data: { externalId: 'i1', title: 'One', attributes: {} } });
    await prisma.interaction.createMany({
      data: TIMES.map((t, i) => ({ userId: user.id, itemId: item.id, type: 'click', occurredAt: new Date(t), idempotencyKey: `k${i}` })),
    });
    const end = new Date(Date.UTC(2026, 11, 7, 17, 0, 0, 123));
    const shift = await shiftInteractionsToEndAt(database.db, end);
    expect(shift.newestBefore?.getTime()).toBe(TIMES[2]);
    expect(shift.newestAfter).toEqual(end);
    expect(shift.shiftMs).toBe(end.getTime() - TIMES[2]!);
    const after = (await prisma.interaction.findMany({ orderBy: { idempotencyKey: 'asc' } })).map((r) => r.occurredAt.getTime());
    expect(after).toEqual(TIMES.map((t) => t + shift.shiftMs));
  });
});
