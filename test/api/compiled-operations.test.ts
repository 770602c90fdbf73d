/**
 * Repeated queries run compiled (src/http/compiled-operations.ts): the answers, status codes,
 * scope checks and error codes are those of the first, fully parsed and validated, request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const SLATE = 'query Slate($userId: ID!, $limit: Int) { recommendations(userId: $userId, limit: $limit) { strategy propensity items { position } } }';
const ADMIN_ONLY = '{ strategies { name status } }';

describe('compiled operations', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway('sqlite', { RECGATE_MAX_QUERY_DEPTH: '3' });
    const items = ['a', 'b', 'c'].map((id) => ({ id, title: id }));
    expect((await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', { items })).errors).toBeUndefined();
    await t.gateway.refresh();
  });
  afterAll(() => t?.close());

  /** The same request twice: the second runs compiled. */
  const twice = async (query: string, variables: Record<string, unknown>, key: string | null) =>
    [await t.gql(query, variables, key), await t.gql(query, variables, key)] as const;

  it('answers a repeated query the same way', async () => {
    const [first, second] = await twice(SLATE, { userId: 'u1', limit: 2 }, t.clientKey);
    expect(first.errors).toBeUndefined();
    expect(second).toEqual({ ...first, data: { recommendations: { ...first.data!.recommendations } } });
    expect(second.data!.recommendations.items).toHaveLength(2);
  });

  it('checks the key on every run: unauthenticated 401, wrong scope 403', async () => {
    const [, anonymous] = await twice(SLATE, { userId: 'u1' }, null);
    expect(anonymous.status).toBe(401);
    expect(errorCode(anonymous)).toBe('RG_ERR_UNAUTHENTICATED');
    expect((await t.gql(ADMIN_ONLY, {}, t.adminKey)).errors).toBeUndefined(); // compiled now
    const forbidden = await t.gql(ADMIN_ONLY, {}, t.clientKey);
    expect(forbidden.status).toBe(403);
    expect(errorCode(forbidden)).toBe('RG_ERR_FORBIDDEN');
  });

  it('rejects bad variables and bad input with the codes of the full path', async () => {
    const [, badVariable] = await twice(SLATE, { userId: 'u1', limit: 'ten' }, t.clientKey);
    expect(badVariable.errors![0]!.message).toContain('$limit');
    const [first, second] = await twice(SLATE, { userId: 'u1', limit: 0 }, t.clientKey);
    expect(errorCode(first)).toBe('RG_ERR_INVALID_INPUT');
    expect(second).toEqual(first);
  });

  it('never compiles a document that failed validation', async () => {
    const deep = '{ recommendations(userId: "u") { items { item { id } } } }';
    const [first, second] = await twice(deep, {}, t.clientKey);
    expect(errorCode(first)).toBe('RG_ERR_QUERY_TOO_COMPLEX');
    expect(errorCode(second)).toBe('RG_ERR_QUERY_TOO_COMPLEX');
  });
});
