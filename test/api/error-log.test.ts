/**
 * Unexpected errors are logged once each, with the request's id (also in the response's
 * x-request-id header and the masked error's extensions), and without secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactSecrets, type AppLogger } from '../../src/logger.js';
import { createTestGateway, type TestGateway } from '../support/test-gateway.js';
import { TEST_PROVIDERS } from '../support/test-database.js';

interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function capturingLog(lines: LogLine[]): AppLogger {
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      void lines.push({ level, message, fields });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

describe('redactSecrets', () => {
  it('blanks API keys, bearer tokens and URL passwords, and keeps the rest', () => {
    expect(redactSecrets('key rgk_AbC-12_x in "authorization: Bearer abc.def" at postgres://root:pa55@db:5432/recgate (user root)')).toBe(
      'key rgk_*** in "authorization: Bearer ***" at postgres://root:***@db:5432/recgate (user root)',
    );
  });
});

// A failure the gateway cannot foresee: the users table is gone while the request runs (renamed
// away and back). (The case first reported, a NUL in a user id reaching PostgreSQL, is refused
// as invalid input since.)
describe.each(TEST_PROVIDERS.filter((p) => p === 'postgres'))('an unexpected error on %s', (provider) => {
  let t: TestGateway;
  const lines: LogLine[] = [];
  beforeAll(async () => {
    t = await createTestGateway(provider, {}, { log: capturingLog(lines) });
  });
  afterAll(() => t.close());

  const ask = async (headers: Record<string, string> = {}) => {
    const sql = (statement: string) => t.database.db.prisma.$executeRawUnsafe(statement);
    await sql('ALTER TABLE "User" RENAME TO "UserAway"');
    try {
      return await t.gateway.yoga.fetch('http://recgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.clientKey}`, ...headers },
        body: JSON.stringify({ query: 'query Broken($u: ID!) { recommendations(userId: $u) { impressionId } }', variables: { u: 'someone' } }),
      });
    } finally {
      await sql('ALTER TABLE "UserAway" RENAME TO "User"');
    }
  };

  it('is masked for the client and logged once with the request id, without the key', async () => {
    lines.length = 0;
    const response = await ask();
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.errors[0]!.extensions.requestId).toBe(requestId);

    const logged = lines.filter((l) => l.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.message).toBe('unexpected error');
    expect(logged[0]!.fields.requestId).toBe(requestId);
    expect(logged[0]!.fields.path).toBe('recommendations');
    expect(String(logged[0]!.fields.error)).toMatch(/does not exist/i);
    expect(String(logged[0]!.fields.stack)).toContain('\n');
    expect(JSON.stringify(lines)).not.toContain(t.clientKey);
  });

  it("takes the client's x-request-id when it sends a sane one", async () => {
    lines.length = 0;
    const response = await ask({ 'x-request-id': 'web-42.req:7' });
    expect(response.headers.get('x-request-id')).toBe('web-42.req:7');
    expect(lines.filter((l) => l.level === 'error')[0]!.fields.requestId).toBe('web-42.req:7');
    const insane = await ask({ 'x-request-id': 'has spaces and is long '.repeat(5) });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs nothing for an expected, coded error', async () => {
    lines.length = 0;
    const response = await t.gql('{ recommendations(userId: "u", limit: 1000) { impressionId } }', undefined, t.clientKey);
    expect(response.errors?.[0]?.extensions?.code).toBe('RG_ERR_INVALID_INPUT');
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(0);
  });
});
