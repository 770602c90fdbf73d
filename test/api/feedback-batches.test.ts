/**
 * recordFeedbackBatch at the data boundary: a batch is written all or nothing, whichever
 * entry is bad and however far the write got; an idempotency key is stored exactly once
 * when the same batches arrive concurrently; the live models and the bandit hear about
 * each stored feedback once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const BATCH = `mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id userId itemId type value impressionId idempotencyKey } }`;
const ITEMS = Array.from({ length: 20 }, (_, i) => ({ id: `item-${i}`, title: `Item ${i}`, categories: [i % 2 ? 'Odd' : 'Even'] }));

describe.each(TEST_PROVIDERS)('feedback batches on %s', (provider) => {
  let t: TestGateway;
  const prisma = () => t.database.db.prisma;
  const snapshot = async () => ({ interactions: await prisma().interaction.count(), users: await prisma().user.count() });

  beforeAll(async () => {
    t = await createTestGateway(provider);
    await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items: ITEMS });
  });
  afterAll(() => t?.close());

  const batch = (prefix: string, size: number) =>
    Array.from({ length: size }, (_, i) => ({
      userId: `${prefix}-user-${i % 7}`,
      itemId: `item-${i % ITEMS.length}`,
      type: 'CLICK',
      idempotencyKey: `${prefix}-${i}`,
    }));

  it('writes nothing when one entry of a batch is bad, wherever it is', async () => {
    const before = await snapshot();
    const good = batch('bad-mix', 50);
    const cases: Array<[string, Record<string, unknown>]> = [
      ['RG_ERR_UNKNOWN_ITEM', { userId: 'new-user', itemId: 'no-such-item', type: 'CLICK' }],
      ['RG_ERR_UNKNOWN_IMPRESSION', { userId: 'new-user', itemId: 'item-1', type: 'CLICK', impressionId: 'no-such-impression' }],
      ['RG_ERR_INVALID_INPUT', { userId: ' ', itemId: 'item-1', type: 'CLICK' }],
    ];
    for (const [code, bad] of cases) {
      for (const at of [0, 25, 50]) {
        const inputs = [...good.slice(0, at), bad, ...good.slice(at)];
        expect(errorCode(await t.gql(BATCH, { inputs }, t.clientKey))).toBe(code);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('rolls back rows already inserted when a later key turns out to be reused for other feedback', async () => {
    const stored = await t.gql(BATCH, { inputs: [{ userId: 'conflict-user', itemId: 'item-3', type: 'VIEW', idempotencyKey: 'conflict-key' }] }, t.clientKey);
    expect(stored.errors).toBeUndefined();
    const before = await snapshot();
    // New users and new keys come first (sorted before the stored key), so the insert has
    // run by the time the conflict is found: the transaction must undo it.
    const inputs = [
      ...batch('aaa-conflict', 30).map((e) => ({ ...e, userId: `aaa-${e.userId}` })),
      { userId: 'conflict-user', itemId: 'item-3', type: 'PURCHASE', idempotencyKey: 'conflict-key' },
    ];
    const r = await t.gql(BATCH, { inputs }, t.clientKey);
    expect(errorCode(r)).toBe('RG_ERR_IDEMPOTENCY_CONFLICT');
    expect(await snapshot()).toEqual(before);
    // A key repeated inside one batch with other feedback is a conflict too.
    const twice = [
      { userId: 'twice', itemId: 'item-1', type: 'CLICK', idempotencyKey: 'twice-key' },
      { userId: 'twice', itemId: 'item-2', type: 'CLICK', idempotencyKey: 'twice-key' },
    ];
    expect(errorCode(await t.gql(BATCH, { inputs: twice }, t.clientKey))).toBe('RG_ERR_IDEMPOTENCY_CONFLICT');
    expect(await snapshot()).toEqual(before);
  });

  it('stores each key exactly once when the same batches arrive concurrently', async () => {
    const before = await snapshot();
    const batches = [batch('race-a', 100), batch('race-b', 100), [...batch('race-a', 100).slice(50), ...batch('race-c', 50)]];
    // Each batch eight times at once, interleaved; batch 3 overlaps batch 1 by 50 keys.
    const sends = Array.from({ length: 8 }, () => batches).flat();
    const answers = await Promise.all(sends.map((inputs) => t.gql(BATCH, { inputs }, t.clientKey)));
    for (const a of answers) expect(a.errors).toBeUndefined();
    const idByKey = new Map<string, string>();
    for (const a of answers) {
      for (const f of a.data!.recordFeedbackBatch as Array<{ id: string; idempotencyKey: string }>) {
        const seen = idByKey.get(f.idempotencyKey);
        if (seen === undefined) idByKey.set(f.idempotencyKey, f.id);
        else expect(f.id).toBe(seen);
      }
    }
    expect(idByKey.size).toBe(250);
    const after = await snapshot();
    expect(after.interactions - before.interactions).toBe(250);
    expect(after.users - before.users).toBe(21); // 7 users per prefix, three prefixes
    const stored = await prisma().interaction.findMany({ where: { idempotencyKey: { startsWith: 'race-' } }, select: { id: true, idempotencyKey: true } });
    expect(new Map(stored.map((s) => [s.idempotencyKey, String(s.id)]))).toEqual(idByKey);
  });

  it('answers a batch in order, entries without a key included, and the live model counts each stored entry once', async () => {
    await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', {
      items: [
        { id: 'observed-a', title: 'Observed A', categories: ['Observed'] },
        { id: 'observed-b', title: 'Observed B', categories: ['Observed'] },
      ],
    });
    const scores = async (): Promise<Map<string, number>> => {
      const r = await t.gql(
        '{ recommendations(userId: "score-reader", limit: 2, filter: { categories: ["Observed"] }) { items { score item { id } } } }',
        {},
        t.clientKey,
      );
      return new Map(r.data!.recommendations.items.map((i: { score: number; item: { id: string } }) => [i.item.id, i.score]));
    };
    const at = new Date(Date.now() - 60_000).toISOString();
    const inputs = [
      { userId: 'order-1', itemId: 'observed-a', type: 'PURCHASE', value: 2, idempotencyKey: 'order-key-1', occurredAt: at },
      { userId: 'order-1', itemId: 'observed-a', type: 'PURCHASE', value: 2, occurredAt: at },
      { userId: 'order-2', itemId: 'observed-b', type: 'RATING', value: 4, occurredAt: at },
      { userId: 'order-1', itemId: 'observed-a', type: 'PURCHASE', value: 2, occurredAt: at },
      { userId: 'order-1', itemId: 'observed-a', type: 'PURCHASE', value: 2, idempotencyKey: 'order-key-1', occurredAt: at },
    ];
    const r = await t.gql(BATCH, { inputs }, t.clientKey);
    expect(r.errors).toBeUndefined();
    const out = r.data!.recordFeedbackBatch as Array<{
      id: string;
      userId: string;
      itemId: string;
      type: string;
      value: number | null;
      idempotencyKey: string | null;
    }>;
    expect(out.map((f) => [f.userId, f.itemId, f.type, f.value, f.idempotencyKey])).toEqual(
      inputs.map((i) => [i.userId, i.itemId, i.type, i.value, i.idempotencyKey ?? null]),
    );
    expect(out[4]!.id).toBe(out[0]!.id);
    expect(new Set(out.slice(0, 4).map((f) => f.id)).size).toBe(4);
    const rating = await prisma().interaction.findUnique({ where: { id: Number(out[2]!.id) } });
    expect(rating).toMatchObject({ type: 'rating', value: 4, occurredAt: new Date(at) });
    // Popularity weighs a purchase 3 and a rating 1 (the defaults): three stored purchases
    // against one rating at the same instant is 9 to 1; counting the repeated key would be 12.
    const first = await scores();
    expect(first.get('observed-a')! / first.get('observed-b')!).toBeCloseTo(9, 6);
    // Replaying stores nothing and tells the model nothing.
    const again = await t.gql(BATCH, { inputs: [inputs[0], inputs[4]] }, t.clientKey);
    expect(again.data!.recordFeedbackBatch.map((f: { id: string }) => f.id)).toEqual([out[0]!.id, out[0]!.id]);
    expect(await prisma().interaction.count({ where: { user: { externalId: 'order-1' } } })).toBe(3);
    expect(await scores()).toEqual(first);
  });
});
