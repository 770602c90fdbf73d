import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const RECORD = `mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id userId itemId type value occurredAt impressionId idempotencyKey } }`;
const BATCH = `mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id itemId idempotencyKey } }`;

describe('feedback bounds configuration', () => {
  it('reads RECGATE_RATING_SCALE and RECGATE_MAX_CLOCK_SKEW_SECONDS, and refuses bad values', () => {
    expect(loadConfig({}).feedbackBounds).toEqual({ ratingScale: { min: 0, max: 10 }, maxClockSkewSeconds: 300 });
    expect(loadConfig({ RECGATE_RATING_SCALE: '0.5..5', RECGATE_MAX_CLOCK_SKEW_SECONDS: '30' }).feedbackBounds).toEqual({
      ratingScale: { min: 0.5, max: 5 },
      maxClockSkewSeconds: 30,
    });
    for (const bad of ['5..1', '1-5', '3..3', '']) {
      expect(() => loadConfig({ RECGATE_RATING_SCALE: bad })).toThrow(
        expect.objectContaining({ code: 'RG_ERR_CONFIG', message: expect.stringContaining('RECGATE_RATING_SCALE') }),
      );
    }
    expect(() => loadConfig({ RECGATE_MAX_CLOCK_SKEW_SECONDS: '-1' })).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG' }));
  });

  it('applies a configured scale to the API', async () => {
    const t = await createTestGateway('sqlite', { RECGATE_RATING_SCALE: '1..5' });
    try {
      await t.gql('mutation { upsertItems(items: [{ id: "s1", title: "S" }]) { id } }');
      const r = await t.gql(RECORD, { input: { userId: 'u', itemId: 's1', type: 'RATING', value: 8 } }, t.clientKey);
      expect(errorCode(r)).toBe('RG_ERR_FEEDBACK_VALUE');
      expect(r.errors![0]!.message).toContain('outside the rating scale 1..5');
    } finally {
      await t.close();
    }
  });
});

describe.each(TEST_PROVIDERS)('feedback on %s', (provider) => {
  let t: TestGateway;
  const count = () => t.database.db.prisma.interaction.count();

  beforeAll(async () => {
    t = await createTestGateway(provider);
    await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', {
      items: [
        { id: 'i1', title: 'One', categories: ['A'] },
        { id: 'i2', title: 'Two', categories: ['B'] },
      ],
    });
  });
  afterAll(() => t?.close());

  it('stores feedback and creates the user on first sight', async () => {
    const r = await t.gql(RECORD, { input: { userId: 'u1', itemId: 'i1', type: 'RATING', value: 8, occurredAt: '2026-01-02T03:04:05Z' } }, t.clientKey);
    expect(r.errors).toBeUndefined();
    expect(r.data!.recordFeedback).toMatchObject({ userId: 'u1', itemId: 'i1', type: 'RATING', value: 8, occurredAt: '2026-01-02T03:04:05.000Z' });
    expect(await t.database.db.prisma.user.count({ where: { externalId: 'u1' } })).toBe(1);
  });

  it('stores the same idempotency key once and answers the same', async () => {
    const input = { userId: 'u2', itemId: 'i2', type: 'CLICK', idempotencyKey: 'once-1' };
    const before = await count();
    const first = await t.gql(RECORD, { input }, t.clientKey);
    const second = await t.gql(RECORD, { input }, t.clientKey);
    expect(second.data).toEqual(first.data);
    expect(await count()).toBe(before + 1);
    // duplicates inside one batch, and against the stored one, count once
    const batch = await t.gql(BATCH, { inputs: [input, { ...input }, { userId: 'u2', itemId: 'i1', type: 'VIEW', idempotencyKey: 'once-2' }] }, t.clientKey);
    expect(batch.errors).toBeUndefined();
    expect(batch.data!.recordFeedbackBatch[0].id).toBe(first.data!.recordFeedback.id);
    expect(batch.data!.recordFeedbackBatch[1].id).toBe(first.data!.recordFeedback.id);
    expect(await count()).toBe(before + 2);
  });

  it('rejects a reused idempotency key with different feedback, changing nothing', async () => {
    const before = await count();
    const r = await t.gql(RECORD, { input: { userId: 'u2', itemId: 'i1', type: 'PURCHASE', idempotencyKey: 'once-1' } }, t.clientKey);
    expect(errorCode(r)).toBe('RG_ERR_IDEMPOTENCY_CONFLICT');
    expect(await count()).toBe(before);
  });

  it('rejects unknown items and impressions with coded errors, changing nothing', async () => {
    const before = await count();
    const users = await t.database.db.prisma.user.count();
    expect(errorCode(await t.gql(RECORD, { input: { userId: 'ghost', itemId: 'nope', type: 'CLICK' } }, t.clientKey))).toBe('RG_ERR_UNKNOWN_ITEM');
    expect(errorCode(await t.gql(RECORD, { input: { userId: 'ghost', itemId: 'i1', type: 'CLICK', impressionId: 'not-an-impression' } }, t.clientKey))).toBe(
      'RG_ERR_UNKNOWN_IMPRESSION',
    );
    expect(await count()).toBe(before);
    expect(await t.database.db.prisma.user.count()).toBe(users);
  });

  it('links feedback to the impression it names, even before the impression log flushed', async () => {
    const slate = await t.gql('{ recommendations(userId: "u9", limit: 2) { impressionId items { item { id } } } }', {}, t.clientKey);
    const { impressionId, items } = slate.data!.recommendations;
    const r = await t.gql(RECORD, { input: { userId: 'u9', itemId: items[0].item.id, type: 'CLICK', impressionId } }, t.clientKey);
    expect(r.errors).toBeUndefined();
    expect(r.data!.recordFeedback.impressionId).toBe(impressionId);
    const linked = await t.database.db.prisma.interaction.count({ where: { impressionId } });
    expect(linked).toBe(1);
    const other = await t.gql(RECORD, { input: { userId: 'someone-else', itemId: 'i1', type: 'CLICK', impressionId } }, t.clientKey);
    expect(errorCode(other)).toBe('RG_ERR_IMPRESSION_USER_MISMATCH');
  });

  it('writes a batch all or nothing', async () => {
    const before = await count();
    const r = await t.gql(
      BATCH,
      {
        inputs: [
          { userId: 'b1', itemId: 'i1', type: 'CLICK' },
          { userId: 'b1', itemId: 'missing', type: 'CLICK' },
        ],
      },
      t.clientKey,
    );
    expect(errorCode(r)).toBe('RG_ERR_UNKNOWN_ITEM');
    expect(await count()).toBe(before);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ userId: `b${i}`, itemId: 'i1', type: 'VIEW' }));
    const big = await t.gql(BATCH, { inputs: tooMany }, t.clientKey);
    expect(errorCode(big)).toBe('RG_ERR_INVALID_INPUT');
    expect(big.errors![0]!.message).toContain('at most 1000');
    expect(errorCode(await t.gql(BATCH, { inputs: [] }, t.clientKey))).toBe('RG_ERR_INVALID_INPUT');
    expect(await count()).toBe(before);
  });

  describe('bounds on time and value', () => {
    const SLATE = '{ recommendations(userId: "newcomer", limit: 2) { items { item { id } score } } }';
    const future = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

    it('refuses feedback from the future, so one click cannot make an item the only popular one', async () => {
      await t.gql(RECORD, { input: { userId: 'pop', itemId: 'i1', type: 'CLICK' } }, t.clientKey);
      await t.gql(RECORD, { input: { userId: 'pop', itemId: 'i2', type: 'CLICK' } }, t.clientKey);
      const before = await t.gql(SLATE, {}, t.clientKey);
      const stored = await count();
      const r = await t.gql(RECORD, { input: { userId: 'clock', itemId: 'i2', type: 'CLICK', occurredAt: '2999-01-01T00:00:00Z' } }, t.clientKey);
      expect(errorCode(r)).toBe('RG_ERR_FEEDBACK_TIME');
      expect(r.errors![0]!.message).toMatch(/input\.occurredAt: 2999-01-01T00:00:00\.000Z is \d+ s in the future; at most 300 s/);
      expect(await count()).toBe(stored);
      const after = await t.gql(SLATE, {}, t.clientKey);
      expect(after.data).toEqual(before.data);
      const scores = after.data!.recommendations.items.map((i: any) => i.score);
      expect(scores).toHaveLength(2);
      expect(Math.min(...scores)).toBeGreaterThan(0);
    });

    it('allows a little clock skew, not more, and nothing before 1970', async () => {
      const stored = await count();
      const skewed = await t.gql(RECORD, { input: { userId: 'clock', itemId: 'i1', type: 'VIEW', occurredAt: future(60) } }, t.clientKey);
      expect(skewed.errors).toBeUndefined();
      expect(errorCode(await t.gql(RECORD, { input: { userId: 'clock', itemId: 'i1', type: 'VIEW', occurredAt: future(600) } }, t.clientKey))).toBe(
        'RG_ERR_FEEDBACK_TIME',
      );
      const ancient = await t.gql(RECORD, { input: { userId: 'clock', itemId: 'i1', type: 'VIEW', occurredAt: '1969-07-20T20:17:00Z' } }, t.clientKey);
      expect(errorCode(ancient)).toBe('RG_ERR_FEEDBACK_TIME');
      expect(ancient.errors![0]!.message).toContain('before 1970');
      expect(await count()).toBe(stored + 1);
    });

    it.each([
      [{ type: 'RATING', value: 11 }, 'rating 11 is outside the rating scale 0..10'],
      [{ type: 'RATING', value: -0.5 }, 'rating -0.5 is outside the rating scale 0..10'],
      [{ type: 'RATING' }, 'a rating needs a value between 0 and 10'],
      [{ type: 'PURCHASE', value: -2 }, 'purchase quantity -2 is not positive'],
      [{ type: 'PURCHASE', value: 0 }, 'purchase quantity 0 is not positive'],
      [{ type: 'ADD_TO_CART', value: -3 }, 'add_to_cart quantity -3 is not positive'],
    ])('refuses %o with RG_ERR_FEEDBACK_VALUE, storing nothing', async (feedback, reason) => {
      const stored = await count();
      const r = await t.gql(RECORD, { input: { userId: 'values', itemId: 'i1', ...feedback } }, t.clientKey);
      expect(errorCode(r)).toBe('RG_ERR_FEEDBACK_VALUE');
      expect(r.errors![0]!.message).toContain(`Invalid ${feedback.type} value at input.value: ${reason}`);
      expect(await count()).toBe(stored);
    });

    it('accepts ratings on the scale and purchases with or without a quantity', async () => {
      for (const input of [{ type: 'RATING', value: 0 }, { type: 'RATING', value: 10 }, { type: 'PURCHASE', value: 3 }, { type: 'PURCHASE' }]) {
        const r = await t.gql(RECORD, { input: { userId: 'values', itemId: 'i2', ...input } }, t.clientKey);
        expect(r.errors).toBeUndefined();
      }
    });

    it('refuses a whole batch when one entry is out of bounds, naming it', async () => {
      const stored = await count();
      const r = await t.gql(
        BATCH,
        {
          inputs: [
            { userId: 'batch-bounds', itemId: 'i1', type: 'CLICK' },
            { userId: 'batch-bounds', itemId: 'i2', type: 'RATING', value: 42 },
          ],
        },
        t.clientKey,
      );
      expect(errorCode(r)).toBe('RG_ERR_FEEDBACK_VALUE');
      expect(r.errors![0]!.message).toContain('inputs.1.value');
      const late = await t.gql(
        BATCH,
        {
          inputs: [
            { userId: 'batch-bounds', itemId: 'i1', type: 'CLICK' },
            { userId: 'batch-bounds', itemId: 'i2', type: 'CLICK', occurredAt: '2999-01-01T00:00:00Z' },
          ],
        },
        t.clientKey,
      );
      expect(errorCode(late)).toBe('RG_ERR_FEEDBACK_TIME');
      expect(late.errors![0]!.message).toContain('inputs.1.occurredAt');
      expect(await count()).toBe(stored);
      expect(await t.database.db.prisma.user.count({ where: { externalId: 'batch-bounds' } })).toBe(0);
    });
  });

  it('rejects wrong types before anything runs', async () => {
    const before = await count();
    const badEnum = await t.gql(RECORD, { input: { userId: 'u1', itemId: 'i1', type: 'LIKE' } }, t.clientKey);
    expect(badEnum.errors?.[0]?.message).toMatch(/FeedbackType/);
    const badValue = await t.gql(RECORD, { input: { userId: 'u1', itemId: 'i1', type: 'RATING', value: 'high' } }, t.clientKey);
    expect(badValue.errors).toBeDefined();
    const badDate = await t.gql(RECORD, { input: { userId: 'u1', itemId: 'i1', type: 'CLICK', occurredAt: 'yesterday' } }, t.clientKey);
    expect(badDate.errors?.[0]?.message).toMatch(/DateTime/);
    expect(errorCode(badDate)).toBe('RG_ERR_INVALID_INPUT');
    expect(await count()).toBe(before);
  });

  it.each([
    ['a NUL in the user id', { userId: 'u\u00001', itemId: 'i1' }, 'input.userId'],
    ['a newline in the item id', { userId: 'u1', itemId: 'i1\n' + 'i2' }, 'input.itemId'],
    ['an escape in the user id', { userId: '\u001b[31mred', itemId: 'i1' }, 'input.userId'],
  ])('refuses %s with RG_ERR_INVALID_INPUT, storing nothing', async (_, ids, path) => {
    const before = await count();
    const users = await t.database.db.prisma.user.count();
    const r = await t.gql(RECORD, { input: { ...ids, type: 'CLICK' } }, t.clientKey);
    expect(errorCode(r)).toBe('RG_ERR_INVALID_INPUT');
    expect(r.errors![0]!.message).toContain(`${path}: contains a control character`);
    expect(await count()).toBe(before);
    expect(await t.database.db.prisma.user.count()).toBe(users);
  });
});
