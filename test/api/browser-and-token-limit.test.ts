/**
 * A browser at /graphql with GraphiQL off gets a page saying how to use the API, and a
 * document over the 5,000-token limit is RG_ERR_QUERY_TOO_COMPLEX with HTTP 400, like the
 * other query limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';

describe('in production', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway('sqlite', { NODE_ENV: 'production' });
  });
  afterAll(() => t.close());

  it('a browser opening /graphql gets a short page on how to call the API', async () => {
    const response = await t.gateway.yoga.fetch('http://gw.example:4000/graphql', { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('recgate GraphQL endpoint');
    expect(page).toContain('Authorization: Bearer &lt;key&gt;');
    expect(page).toContain('curl -s http://gw.example:4000/graphql');
    expect(page).toContain('NODE_ENV=development');
    expect(page).not.toContain('renderYogaGraphiQL');
  });

  it('a GET with a query is still GraphQL, and so is a program asking for JSON', async () => {
    const viaGet = await t.gateway.yoga.fetch(`http://gw.example/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'text/html, application/json', authorization: `Bearer ${t.adminKey}` },
    });
    expect(await viaGet.json()).toEqual({ data: { __typename: 'Query' } });
    const json = await t.gateway.yoga.fetch('http://gw.example/graphql', { headers: { accept: 'application/json' } });
    expect(((await json.json()) as { errors: unknown[] }).errors).toHaveLength(1);
  });

  it('a document over 5,000 tokens is RG_ERR_QUERY_TOO_COMPLEX with HTTP 400', async () => {
    const response = await t.gql(`{ ${Array.from({ length: 6000 }, () => '__typename').join(' ')} }`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('RG_ERR_QUERY_TOO_COMPLEX');
    expect(response.errors![0]!.message).toContain('Token limit of 5000 exceeded');
  });
});
