/**
 * GraphiQL works offline: the page carries its assets inline (nothing from a CDN), opens
 * with the headers and query it is given, and is served only in development. The README's
 * first GraphQL block runs as written: every operation is named (GraphiQL cannot pick one
 * of several anonymous operations) and each one succeeds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoQuery } from '../../src/cli/run-demo.js';
import { createTestGateway, type TestGateway } from '../support/test-gateway.js';
import { TEST_PROVIDERS } from '../support/test-database.js';

const README = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8');
const firstGraphqlBlock = (): string => /```graphql\n([\s\S]*?)```/.exec(README)![1]!;

const getPage = (t: TestGateway, accept = 'text/html') => t.gateway.yoga.fetch('http://recgate.test/graphql', { headers: { accept } });

describe('GraphiQL in development', () => {
  let t: TestGateway;
  const query = demoQuery('1');
  beforeAll(async () => {
    t = await createTestGateway('sqlite', { NODE_ENV: 'development' }, { graphiql: { headers: { Authorization: 'Bearer rgk_demo' }, defaultQuery: query } });
  });
  afterAll(() => t.close());

  it('is one page with every asset inline: no script, style or worker from another host', async () => {
    const response = await getPage(t);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('renderYogaGraphiQL');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+rel="?stylesheet/i);
    expect(html).not.toContain('unpkg.com');
    expect(html).not.toMatch(/fetch\(\s*["']https?:/);
  });

  it('opens with the given headers and query', async () => {
    const html = await (await getPage(t)).text();
    const options = JSON.parse(/renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*(\{[\s\S]*?\}),\s*\);/.exec(html)![1]!);
    expect(JSON.parse(options.headers)).toEqual({ Authorization: 'Bearer rgk_demo' });
    expect(options.defaultQuery).toBe(query);
    expect(options.defaultEditorToolsVisibility).toBe('headers');
  });
});

describe('the README example block', () => {
  const document = parse(firstGraphqlBlock());
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

  it('names every operation, so GraphiQL can run each', () => {
    expect(operations.length).toBeGreaterThanOrEqual(2);
    expect(operations.map((o) => o.name?.value)).toEqual(['Recommend', 'RecordClick']);
  });

  describe.each(TEST_PROVIDERS)('on %s', (provider) => {
    let t: TestGateway;
    beforeAll(async () => {
      t = await createTestGateway(provider);
      const seeded = await t.gql(`mutation { upsertItems(items: [{ id: "1535108", title: "Elysium (2013)", categories: ["Action", "Drama"] }]) { id } }`);
      expect(seeded.errors).toBeUndefined();
    });
    afterAll(() => t.close());

    it('runs each operation as written with a client key, and the feedback links to the slate when given its impressionId', async () => {
      const run = async (operationName: string, variables?: Record<string, unknown>) => {
        const response = await t.gateway.yoga.fetch('http://recgate.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${t.clientKey}` },
          body: JSON.stringify({ query: firstGraphqlBlock(), operationName, variables }),
        });
        return (await response.json()) as { data?: any; errors?: unknown[] };
      };
      const slate = await run('Recommend');
      expect(slate.errors).toBeUndefined();
      expect(slate.data.recommendations.items.map((i: any) => i.item.id)).toEqual(['1535108']);
      const unlinked = await run('RecordClick');
      expect(unlinked.errors).toBeUndefined();
      expect(unlinked.data.recordFeedback.impressionId).toBeNull();
      await t.gql('mutation { deleteUser(id: "42") { deleted } }');
      const again = await run('Recommend');
      const linked = await run('RecordClick', { impressionId: again.data.recommendations.impressionId });
      expect(linked.errors).toBeUndefined();
      expect(linked.data.recordFeedback.impressionId).toBe(again.data.recommendations.impressionId);
    });
  });
});
