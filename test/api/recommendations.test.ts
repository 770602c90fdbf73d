import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const SLATE = `query Slate($userId: ID!, $limit: Int, $filter: RecommendationFilter, $exclude: [ID!], $includeSeen: Boolean, $context: JSON) {
  recommendations(userId: $userId, limit: $limit, filter: $filter, exclude: $exclude, includeSeen: $includeSeen, context: $context, surface: "home") {
    impressionId strategy modelVersion propensity surface
    items { item { id title categories } score position explanation }
  }
}`;

const items = [
  { id: 'm1', title: 'Alien (1979)', categories: ['Horror', 'Sci-Fi'] },
  { id: 'm2', title: 'Brazil (1985)', categories: ['Comedy', 'Sci-Fi'] },
  { id: 'm3', title: 'Casablanca (1942)', categories: ['Drama', 'Romance'] },
  { id: 'm4', title: 'Dune (2021)', categories: ['Sci-Fi'] },
  { id: 'm5', title: 'Eraserhead (1977)', categories: ['Horror'] },
  { id: 'm6', title: 'Inactive (2000)', categories: ['Drama'], active: false },
];

describe.each(TEST_PROVIDERS)('recommendations on %s', (provider) => {
  let t: TestGateway;
  const now = Date.now();
  const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();

  beforeAll(async () => {
    t = await createTestGateway(provider);
    const up = await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items });
    expect(up.errors).toBeUndefined();
    // m3 has the most (recent) signal, then m1; m4 was popular long ago (decayed).
    const feedback = [
      ...['a', 'b', 'c'].map((u) => ({ userId: u, itemId: 'm3', type: 'PURCHASE', occurredAt: hoursAgo(1) })),
      ...['a', 'b'].map((u) => ({ userId: u, itemId: 'm1', type: 'CLICK', occurredAt: hoursAgo(2) })),
      ...['a', 'b', 'c', 'd', 'e'].map((u) => ({ userId: u, itemId: 'm4', type: 'PURCHASE', occurredAt: hoursAgo(24 * 60) })),
    ];
    const rec = await t.gql('mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id } }', { inputs: feedback });
    expect(rec.errors).toBeUndefined();
    await t.gateway.refresh();
  });
  afterAll(() => t?.close());

  it('serves an unknown user a popularity slate ranked by decayed signal', async () => {
    const r = await t.gql(SLATE, { userId: 'new-user', limit: 4 }, t.clientKey);
    expect(r.errors).toBeUndefined();
    const slate = r.data!.recommendations;
    expect(slate.strategy).toBe('popularity');
    expect(slate.propensity).toBe(1);
    expect(slate.modelVersion).toMatch(/^popularity@/);
    // m3: 3 purchases 1 h ago; m1: 2 clicks 2 h ago; m4: 5 purchases 60 days (8.6 half-lives) ago.
    expect(slate.items.slice(0, 3).map((i: any) => i.item.id)).toEqual(['m3', 'm1', 'm4']);
    // scores are as of the newest signal (m3 itself): 3 purchases x weight 3
    expect(slate.items[0].score).toBeCloseTo(9, 6);
    expect(slate.items[1].score).toBeCloseTo(2 * 2 ** (-1 / 168), 6);
    expect(slate.items[3].score).toBe(0);
    expect(slate.items[0].position).toBe(1);
    expect(slate.items[0].explanation).toBe('popular this week');
    const scores = slate.items.map((i: any) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(slate.items.map((i: any) => i.item.id)).not.toContain('m6');
  });

  it('excludes items the user interacted with, unless asked', async () => {
    const r = await t.gql(SLATE, { userId: 'a', limit: 10 });
    const ids = r.data!.recommendations.items.map((i: any) => i.item.id);
    expect(ids).not.toContain('m1');
    expect(ids).not.toContain('m3');
    expect(ids).not.toContain('m4');
    const seen = await t.gql(SLATE, { userId: 'a', limit: 10, includeSeen: true });
    expect(seen.data!.recommendations.items.map((i: any) => i.item.id)).toContain('m3');
  });

  it('filters by category and says so in the explanation; honours exclude', async () => {
    const r = await t.gql(SLATE, { userId: 'z', limit: 10, filter: { categories: ['Horror'] }, exclude: ['m5'] });
    const slate = r.data!.recommendations;
    expect(slate.items.map((i: any) => i.item.id)).toEqual(['m1']);
    expect(slate.items[0].explanation).toBe('popular in Horror this week');
  });

  it('logs every slate as an impression, with positions and scores', async () => {
    const r = await t.gql(SLATE, { userId: 'logged-user', limit: 3, context: { device: 'ios' } });
    const slate = r.data!.recommendations;
    await t.gateway.services.impressions.flush();
    const { db } = t.database;
    const row = await db.prisma.impression.findUnique({ where: { id: slate.impressionId } });
    expect(row).not.toBeNull();
    expect(row!.userExternalId).toBe('logged-user');
    expect(row!.surface).toBe('home');
    expect(row!.strategy).toBe('popularity');
    expect(row!.context).toEqual({ device: 'ios' });
    expect(row!.items).toEqual(slate.items.map((i: any) => ({ itemId: i.item.id, score: i.score, position: i.position })));
  });

  it('feedback changes what is served', async () => {
    const before = await t.gql(SLATE, { userId: 'fresh', limit: 1 });
    expect(before.data!.recommendations.items[0].item.id).toBe('m3');
    const burst = ['p', 'q', 'r', 's', 't', 'u'].map((u, i) => ({ userId: u, itemId: 'm5', type: 'PURCHASE', idempotencyKey: `burst-${i}` }));
    await t.gql('mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id } }', { inputs: burst }, t.clientKey);
    const after = await t.gql(SLATE, { userId: 'fresh', limit: 1 });
    expect(after.data!.recommendations.items[0].item.id).toBe('m5');
  });

  it('rejects out-of-bounds input with a coded error', async () => {
    expect(errorCode(await t.gql(SLATE, { userId: 'x', limit: 101 }))).toBe('RG_ERR_INVALID_INPUT');
    expect(errorCode(await t.gql(SLATE, { userId: 'x', limit: 0 }))).toBe('RG_ERR_INVALID_INPUT');
    expect(errorCode(await t.gql(SLATE, { userId: '', limit: 5 }))).toBe('RG_ERR_INVALID_INPUT');
    const big = await t.gql(SLATE, { userId: 'x', context: { blob: 'x'.repeat(10_000) } });
    expect(errorCode(big)).toBe('RG_ERR_INVALID_INPUT');
    expect(big.errors![0]!.message).toContain('input.context');
    // wrong GraphQL types never reach a resolver
    const wrong = await t.gql(SLATE, { userId: 'x', limit: 'ten' });
    expect(wrong.errors?.[0]?.message).toMatch(/Int/);
  });
});
