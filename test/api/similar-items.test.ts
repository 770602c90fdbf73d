/**
 * similarItems and sessionItems through yoga.fetch on each database: item-item trained by a
 * job on real feedback, served by the fixed chain (item-item, then popularity).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const SIMILAR = `query Similar($itemIds: [ID!]!, $userId: ID, $limit: Int, $filter: RecommendationFilter) {
  similarItems(itemIds: $itemIds, userId: $userId, limit: $limit, filter: $filter, surface: "item-page") {
    impressionId userId strategy modelVersion propensity surface
    items { item { id } score position explanation }
  }
}`;
const SESSION_SLATE = `query Slate($userId: ID!, $sessionItems: [ID!]) {
  recommendations(userId: $userId, sessionItems: $sessionItems, limit: 2) {
    strategy items { item { id } explanation }
  }
}`;

const items = [
  { id: 'mug', title: 'Blue mug', categories: ['Kitchen'] },
  { id: 'coaster', title: 'Cork coaster', categories: ['Kitchen'] },
  { id: 'tea', title: 'Green tea', categories: ['Pantry'] },
  { id: 'teapot', title: 'Iron teapot', categories: ['Kitchen'] },
  { id: 'lamp', title: 'Desk lamp', categories: ['Office'] },
];
// Mugs go with coasters, teapots with tea; the lamp is bought alone and is the most popular.
const baskets = [
  ['mug', 'coaster'],
  ['mug', 'coaster'],
  ['mug', 'coaster', 'tea'],
  ['teapot', 'tea'],
  ['teapot', 'tea'],
  ['teapot', 'tea', 'mug'],
  ['lamp'],
  ['lamp'],
  ['lamp'],
  ['lamp'],
  ['lamp'],
];

describe.each(TEST_PROVIDERS)('similarItems and sessionItems on %s', (provider) => {
  let t: TestGateway;

  const impressionCount = async (): Promise<number> => {
    await t.gateway.services.impressions.flush();
    return t.database.db.prisma.impression.count();
  };

  beforeAll(async () => {
    t = await createTestGateway(provider, { RECGATE_META_POLICY: 'off', RECGATE_SERVING_STRATEGY: 'item-item' });
    expect((await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items })).errors).toBeUndefined();
    const inputs = baskets.flatMap((basket, u) => basket.map((itemId) => ({ userId: `buyer-${u}`, itemId, type: 'PURCHASE' })));
    expect((await t.gql('mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id } }', { inputs })).errors).toBeUndefined();
    await t.gateway.refresh();
    const queued = await t.gql('mutation { trainStrategy(name: "item-item") { id } }');
    expect(queued.errors).toBeUndefined();
    let job: { state: string; result: { outcome: string } | null } | null = null;
    for (let i = 0; i < 600 && job?.state !== 'COMPLETED' && job?.state !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await t.gql('query($id: ID!) { job(id: $id) { state result } }', { id: queued.data!.trainStrategy.id })).data!.job;
    }
    expect(job?.state).toBe('COMPLETED');
    expect(t.gateway.services.models.get('item-item')).toBeDefined();
  }, 60_000);
  afterAll(() => t?.close());

  it('answers an anonymous item page with the items bought with it, explained, and logs the impression', async () => {
    const r = await t.gql(SIMILAR, { itemIds: ['mug'], limit: 3 }, t.clientKey);
    expect(r.errors).toBeUndefined();
    const slate = r.data!.similarItems;
    expect(slate.strategy).toBe('item-item');
    expect(slate.surface).toBe('item-page');
    expect(slate.userId).toMatch(/^anonymous-/);
    expect(slate.items[0]).toMatchObject({ item: { id: 'coaster' }, position: 1, explanation: 'often liked with Blue mug' });
    expect(slate.items.map((i: any) => i.item.id)).not.toContain('mug');

    await t.gateway.services.impressions.flush();
    const row = await t.database.db.prisma.impression.findUnique({ where: { id: slate.impressionId } });
    expect(row).toMatchObject({ userExternalId: slate.userId, surface: 'item-page', strategy: 'item-item', modelVersion: slate.modelVersion });
    expect((row!.items as any[]).map((i) => i.itemId)).toEqual(slate.items.map((i: any) => i.item.id));

    // Feedback against it, as the anonymous visitor, is accepted and linked to the impression.
    const fb = await t.gql(
      'mutation($input: FeedbackInput!) { recordFeedback(input: $input) { impressionId } }',
      { input: { impressionId: slate.impressionId, userId: slate.userId, itemId: 'coaster', type: 'CLICK' } },
      t.clientKey,
    );
    expect(fb.errors).toBeUndefined();
    expect(fb.data!.recordFeedback.impressionId).toBe(slate.impressionId);
  });

  it('keeps the given user id, and honours the category filter', async () => {
    const r = await t.gql(SIMILAR, { itemIds: ['teapot'], userId: 'shopper', limit: 3, filter: { categories: ['Kitchen', 'Pantry'] } }, t.clientKey);
    expect(r.errors).toBeUndefined();
    const slate = r.data!.similarItems;
    expect(slate.userId).toBe('shopper');
    expect(slate.items[0]).toMatchObject({ item: { id: 'tea' }, explanation: 'often liked with Iron teapot' });
    expect(slate.items.map((i: any) => i.item.id)).not.toContain('lamp');
    expect(slate.items.map((i: any) => i.item.id)).not.toContain('teapot');
  });

  it.each([
    ['unknown item ids', { itemIds: ['mug', 'no-such-item'] }, 'RG_ERR_UNKNOWN_ITEMS'],
    ['an empty list', { itemIds: [] }, 'RG_ERR_INVALID_INPUT'],
    ['over 100 ids', { itemIds: Array.from({ length: 101 }, (_, i) => `item-${i}`) }, 'RG_ERR_INVALID_INPUT'],
    ['a limit of 0', { itemIds: ['mug'], limit: 0 }, 'RG_ERR_INVALID_INPUT'],
  ])('refuses %s with a code and writes nothing', async (_label, variables, code) => {
    const before = await impressionCount();
    const r = await t.gql(SIMILAR, variables, t.clientKey);
    expect(errorCode(r)).toBe(code);
    expect(r.data?.similarItems ?? null).toBeNull();
    expect(await impressionCount()).toBe(before);
  });

  it('gives a visitor with no history a personal slate after one click in the session', async () => {
    const cold = await t.gql(SESSION_SLATE, { userId: 'visitor-1' }, t.clientKey);
    expect(cold.errors).toBeUndefined();
    // item-item has nothing for a visitor without history: popularity answers.
    expect(cold.data!.recommendations).toMatchObject({ strategy: 'popularity', items: [{ item: { id: 'lamp' } }, {}] });

    const warm = await t.gql(SESSION_SLATE, { userId: 'visitor-1', sessionItems: ['mug'] }, t.clientKey);
    expect(warm.errors).toBeUndefined();
    const slate = warm.data!.recommendations;
    expect(slate.strategy).toBe('item-item');
    expect(slate.items[0]).toEqual({ item: { id: 'coaster' }, explanation: 'because you liked Blue mug' });
    // The session's items count as seen.
    expect(slate.items.map((i: any) => i.item.id)).not.toContain('mug');
  });

  it('refuses more than 100 session items', async () => {
    const r = await t.gql(SESSION_SLATE, { userId: 'visitor-2', sessionItems: Array.from({ length: 101 }, () => 'mug') }, t.clientKey);
    expect(errorCode(r)).toBe('RG_ERR_INVALID_INPUT');
  });
});
