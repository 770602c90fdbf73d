import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDERS } from '../support/test-database.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const UPSERT = 'mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id title categories attributes active hasEmbedding } }';
const PAGE = `query($first: Int, $after: String, $filter: ItemFilter) {
  items(first: $first, after: $after, filter: $filter) { edges { cursor node { id categories } } pageInfo { hasNextPage endCursor } }
}`;

describe.each(TEST_PROVIDERS)('catalogue on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway(provider);
    const items = Array.from({ length: 25 }, (_, i) => ({
      id: `item-${String(i).padStart(2, '0')}`,
      title: `Item ${i}`,
      categories: i % 2 === 0 ? ['Even'] : ['Odd'],
      attributes: { price: i },
      ...(i === 0 ? { embedding: [0.5, -1, 2] } : {}),
    }));
    const r = await t.gql(UPSERT, { items });
    expect(r.errors).toBeUndefined();
  });
  afterAll(() => t?.close());

  it('reads an item, and null for an unknown one', async () => {
    const r = await t.gql('{ item(id: "item-00") { id title categories attributes hasEmbedding active } missing: item(id: "nope") { id } }');
    expect(r.data).toEqual({
      item: { id: 'item-00', title: 'Item 0', categories: ['Even'], attributes: { price: 0 }, hasEmbedding: true, active: true },
      missing: null,
    });
    const emb = await t.database.db.prisma.item.findUnique({ where: { externalId: 'item-00' } });
    expect(Array.from(new Float32Array(new Uint8Array(emb!.embedding!).buffer))).toEqual([0.5, -1, 2]);
  });

  it('pages through items with cursors and filters', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const r = await t.gql(PAGE, { first: 10, after, filter: { categories: ['Odd'] } });
      expect(r.errors).toBeUndefined();
      const conn = r.data!.items;
      seen.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    const tooBig = await t.gql(PAGE, { first: 1000 });
    expect(errorCode(tooBig)).toBe('RG_ERR_INVALID_INPUT');
    expect(tooBig.errors![0]!.message).toContain('first');
  });

  it('replaces an item on upsert, categories included, and validates input', async () => {
    const r = await t.gql(UPSERT, { items: [{ id: 'item-01', title: 'Renamed', categories: ['New'], active: false }] });
    expect(r.data!.upsertItems[0]).toMatchObject({ title: 'Renamed', categories: ['New'], active: false });
    const bad = await t.gql(UPSERT, {
      items: [
        { id: 'ok-1', title: 'fine' },
        { id: 'bad', title: '' },
      ],
    });
    expect(errorCode(bad)).toBe('RG_ERR_INVALID_INPUT');
    expect(bad.errors![0]!.message).toContain('items.1.title');
    expect(await t.database.db.prisma.item.count({ where: { externalId: 'ok-1' } })).toBe(0);
  });

  it('writes a full call of 1,000 items, and an id given twice once, with its last values', async () => {
    const items = Array.from({ length: 999 }, (_, i) => ({ id: `bulk-${i}`, title: `Bulk ${i}`, categories: ['Bulk', `Shelf ${i % 7}`, 'Bulk'] }));
    items.push({ id: 'bulk-3', title: 'Bulk 3, again', categories: ['Bulk', 'Moved'] });
    const r = await t.gql(UPSERT, { items });
    expect(r.errors).toBeUndefined();
    expect(await t.database.db.prisma.item.count({ where: { externalId: { startsWith: 'bulk-' } } })).toBe(999);
    expect(await t.database.db.prisma.itemCategory.count({ where: { item: { externalId: { startsWith: 'bulk-' } } } })).toBe(999 * 2);
    const again = await t.gql('{ item(id: "bulk-3") { title categories } }');
    expect(again.data!.item).toEqual({ title: 'Bulk 3, again', categories: ['Bulk', 'Moved'] });
  });

  it('upserts users and forgets them with their interactions and impressions', async () => {
    const up = await t.gql('mutation { upsertUser(user: { id: "forget-me", attributes: { country: "FR" } }) { id attributes } }');
    expect(up.data!.upsertUser).toEqual({ id: 'forget-me', attributes: { country: 'FR' } });
    const slate = await t.gql('{ recommendations(userId: "forget-me", limit: 2) { impressionId items { item { id } } } }');
    const { impressionId, items } = slate.data!.recommendations;
    await t.gql('mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id } }', {
      input: { userId: 'forget-me', itemId: items[0].item.id, type: 'CLICK', impressionId },
    });
    const user = await t.gql('{ user(id: "forget-me") { id interactionCount recentInteractions { type item { id } impressionId } } }');
    expect(user.data!.user.interactionCount).toBe(1);
    expect(user.data!.user.recentInteractions[0]).toEqual({ type: 'CLICK', item: { id: items[0].item.id }, impressionId });

    const del = await t.gql('mutation { deleteUser(id: "forget-me") { deleted interactions impressions } }');
    expect(del.data!.deleteUser).toEqual({ deleted: true, interactions: 1, impressions: 1 });
    expect((await t.gql('{ user(id: "forget-me") { id } }')).data!.user).toBeNull();
    expect(await t.database.db.prisma.impression.count({ where: { userExternalId: 'forget-me' } })).toBe(0);
    const again = await t.gql('mutation { deleteUser(id: "forget-me") { deleted } }');
    expect(again.data!.deleteUser.deleted).toBe(false);
  });

  it('takes titleContains literally: % and _ are not wildcards, case and backslashes count', async () => {
    const titles = ['100% cotton', 'snake_case name', 'Plain', 'back\\slash', 'plain'];
    const up = await t.gql(UPSERT, { items: titles.map((title, i) => ({ id: `title-${i}`, title, categories: ['Titles'] })) });
    expect(up.errors).toBeUndefined();
    const search = async (text: string, first = 10) => {
      const r = await t.gql(PAGE.replace('node { id categories }', 'node { id title }'), {
        first,
        filter: { categories: ['Titles'], titleContains: text },
      });
      expect(r.errors).toBeUndefined();
      return r.data!.items.edges.map((e: any) => e.node.title);
    };
    expect(await search('%_')).toEqual([]);
    expect(await search('%')).toEqual(['100% cotton']);
    expect(await search('_')).toEqual(['snake_case name']);
    expect(await search('e_c')).toEqual(['snake_case name']);
    expect(await search('0% c')).toEqual(['100% cotton']);
    expect(await search('\\')).toEqual(['back\\slash']);
    expect(await search('Plain')).toEqual(['Plain']);
    expect(await search('lain')).toEqual(['Plain', 'plain']);
    expect(await search('lain', 1)).toEqual(['Plain']);
  });

  it('pages through a title search past rows the database over-selects', async () => {
    // 120 "page x" titles, then one "PAGE" title, against a "PAGE" search: on SQLite, LIKE
    // ignores case, so the first database batch (100 rows) holds only non-matches.
    const items = Array.from({ length: 120 }, (_, i) => ({ id: `page-${i}`, title: `page ${i}`, categories: ['Paging'] }));
    items.push({ id: 'page-upper', title: 'PAGE upper', categories: ['Paging'] });
    // Small calls: each is one transaction, and a busy PostgreSQL must finish it in time.
    for (let i = 0; i < items.length; i += 25) expect((await t.gql(UPSERT, { items: items.slice(i, i + 25) })).errors).toBeUndefined();
    const r = await t.gql(PAGE, { first: 1, filter: { titleContains: 'PAGE' } });
    expect(r.data!.items.edges.map((e: any) => e.node.id)).toEqual(['page-upper']);
    expect(r.data!.items.pageInfo.hasNextPage).toBe(false);
  }, 30_000);

  it('lists the registered strategies', async () => {
    const r = await t.gql('{ strategies { name version source status modelVersion params } }');
    expect(r.data!.strategies).toContainEqual(
      expect.objectContaining({ name: 'popularity', source: 'built-in', status: 'SERVING', params: { halfLifeHours: 168 } }),
    );
    expect(r.data!.strategies).toContainEqual(
      expect.objectContaining({ name: 'category-affinity', source: 'plugin:category-affinity', status: 'UNTRAINED', modelVersion: null }),
    );
  });
});
