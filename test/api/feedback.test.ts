import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const RECORD = `mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id userId itemId type value occurredAt impressionId idempotencyKey } }`;
const BATCH = `mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id itemId idempotencyKey } }`;

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
    const r = await t.gql(BATCH, {
      inputs: [
        { userId: 'b1', itemId: 'i1', type: 'CLICK' },
        { userId: 'b1', itemId: 'missing', type: 'CLICK' },
      ],
    }, t.clientKey);
    expect(errorCode(r)).toBe('RG_ERR_UNKNOWN_ITEM');
    expect(await count()).toBe(before);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ userId: `b${i}`, itemId: 'i1', type: 'VIEW' }));
    const big = await t.gql(BATCH, { inputs: tooMany }, t.clientKey);
    expect(errorCode(big)).toBe('RG_ERR_INVALID_INPUT');
    expect(big.errors![0]!.message).toContain('at most 1000');
    expect(errorCode(await t.gql(BATCH, { inputs: [] }, t.clientKey))).toBe('RG_ERR_INVALID_INPUT');
    expect(await count()).toBe(before);
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
});
