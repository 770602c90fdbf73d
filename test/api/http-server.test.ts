import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('the HTTP server', () => {
  let t: TestGateway;
  let server: RunningServer;

  beforeAll(async () => {
    t = await createTestGateway('sqlite', { RECGATE_MAX_BODY_BYTES: '2048' });
    server = await startServer(t.gateway, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  describe('GraphQL over HTTP audits (graphql-http)', () => {
    for (const audit of serverAudits({ url: () => `${server.url}/graphql` })) {
      if (!audit.name.startsWith('MUST')) continue;
      it(audit.name, async () => {
        const result = await audit.fn();
        expect(result.status, 'reason' in result ? String(result.reason) : '').toBe('ok');
      });
    }
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('refuses bodies over the limit with 413 and a coded error, declared or chunked', async () => {
    const query = `{ recommendations(userId: "${'x'.repeat(4000)}") { impressionId } }`;
    const declared = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.clientKey}` },
      body: JSON.stringify({ query }),
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).errors[0].extensions.code).toBe('RG_ERR_REQUEST_TOO_LARGE');

    const stream = (text: string) =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      });
    const chunked = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.clientKey}` },
      body: stream(JSON.stringify({ query })),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    // a small chunked body still works
    const small = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.clientKey}` },
      body: stream(JSON.stringify({ query: '{ recommendations(userId: "u") { strategy } }' })),
      duplex: 'half',
    } as RequestInit);
    expect(small.status).toBe(200);
    expect((await small.json()).data.recommendations.strategy).toBe('popularity');
    expect(await t.database.db.prisma.user.count()).toBe(0);
  });
});
