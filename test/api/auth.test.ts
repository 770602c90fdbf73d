import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey, createApiKey } from '../../src/auth/api-keys.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

const UPSERT = 'mutation { upsertItems(items: [{ id: "x1", title: "X" }]) { id } }';

describe('API keys and scopes', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway('sqlite', { RECGATE_MAX_QUERY_DEPTH: '3' });
  });
  afterAll(() => t?.close());

  it('refuses a missing or unknown key with 401 and touches nothing', async () => {
    for (const key of [null, 'rgk_not-a-real-key', 'garbage']) {
      const r = await t.gql(UPSERT, {}, key);
      expect(r.status).toBe(401);
      expect(errorCode(r)).toBe('RG_ERR_UNAUTHENTICATED');
    }
    expect(await t.database.db.prisma.item.count()).toBe(0);
  });

  it('refuses a client key on admin operations with 403 and touches nothing', async () => {
    const r = await t.gql(UPSERT, {}, t.clientKey);
    expect(r.status).toBe(403);
    expect(errorCode(r)).toBe('RG_ERR_FORBIDDEN');
    expect(r.errors![0]!.message).toContain('upsertItems');
    expect(await t.database.db.prisma.item.count()).toBe(0);
    // also when hidden in a fragment next to an allowed field
    const sneaky = await t.gql('query { ...F } fragment F on Query { recommendations(userId: "u") { impressionId } strategies { name } }', {}, t.clientKey);
    expect(errorCode(sneaky)).toBe('RG_ERR_FORBIDDEN');
  });

  it('lets client keys recommend and admin keys do everything', async () => {
    expect((await t.gql('{ recommendations(userId: "u") { impressionId } }', {}, t.clientKey)).errors).toBeUndefined();
    expect((await t.gql(UPSERT, {}, t.adminKey)).errors).toBeUndefined();
    expect((await t.gql('{ recommendations(userId: "u") { impressionId } }', {}, t.adminKey)).errors).toBeUndefined();
  });

  it('stops accepting a revoked key (after the verification cache)', async () => {
    const { key, info } = await createApiKey(t.database.db, { scopes: ['client'], label: 'to revoke' });
    expect(await revokeApiKey(t.database.db, info.prefix)).toBe(1);
    const r = await t.gql('{ recommendations(userId: "u") { impressionId } }', {}, key);
    expect(errorCode(r)).toBe('RG_ERR_UNAUTHENTICATED');
  });

  it('stores only a hash of the key', async () => {
    const rows = await t.database.db.prisma.apiKey.findMany();
    for (const row of rows) {
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect([t.adminKey, t.clientKey]).not.toContain(row.hash);
    }
  });

  it('rejects bad scopes and labels when creating keys', async () => {
    await expect(createApiKey(t.database.db, { scopes: ['root'], label: 'x' })).rejects.toMatchObject({ code: 'RG_ERR_INVALID_INPUT' });
    await expect(createApiKey(t.database.db, { scopes: ['client'], label: '  ' })).rejects.toMatchObject({ code: 'RG_ERR_INVALID_INPUT' });
  });

  it('limits query depth, aliases and cost with a coded error and a 400', async () => {
    const shallow = await t.gql('{ user(id: "u") { id } }');
    expect(shallow.errors).toBeUndefined();
    const deep = await t.gql('{ user(id: "u") { recentInteractions { item { id } } } }');
    expect(deep.status).toBe(400);
    expect(errorCode(deep)).toBe('RG_ERR_QUERY_TOO_COMPLEX');
    expect(deep.errors![0]!.message).toMatch(/depth/i);
    // fragments do not hide depth
    const viaFragment = await t.gql('query { ...A } fragment A on Query { user(id: "u") { recentInteractions { item { id } } } }');
    expect(errorCode(viaFragment)).toBe('RG_ERR_QUERY_TOO_COMPLEX');
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: strategies { name }`).join(' ');
    expect(errorCode(await t.gql(`{ ${aliases} }`))).toBe('RG_ERR_QUERY_TOO_COMPLEX');
  });
});
