import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createRegistry } from '../../src/strategies/create-registry.js';
import { discoverPlugins, loadPlugin } from '../../src/strategies/plugins/index.js';
import { createTestGateway, type TestGateway } from '../support/test-gateway.js';

const fixture = (name: string) => path.resolve(__dirname, '../fixtures/plugins', name);
const config = (env: Record<string, string>) => loadConfig({ DATABASE_URL: 'file::memory:', ...env });

describe('plugin loading', () => {
  it('discovers plugins/ and registers their strategies with their source', async () => {
    expect(discoverPlugins(path.resolve(__dirname, '../../plugins')).map((p) => path.basename(p))).toContain('category-affinity');
    const registry = await createRegistry(config({}));
    const entry = registry.get('category-affinity');
    expect(entry.source).toMatchObject({ kind: 'plugin', plugin: 'category-affinity' });
    expect(entry.params).toEqual({ recencyDecay: 0.97, prior: 0.5, candidatesPerCategory: 200 });
  });

  it.each([
    ['throws', 'RG_ERR_PLUGIN_LOAD', /throws.*feature store/],
    ['old-contract', 'RG_ERR_PLUGIN_CONTRACT', /old-contract.*\^0\.9\.0.*1\.2\.0/],
    ['duplicate-name', 'RG_ERR_STRATEGY_DUPLICATE', /"popularity".*built-in.*plugin "duplicate-name"/],
    ['not-a-plugin', 'RG_ERR_PLUGIN_LOAD', /not-a-plugin.*definePlugin/],
  ])('stops start-up on a plugin that %s, naming it', async (name, code, message) => {
    const attempt = createRegistry(config({ RECGATE_PLUGINS: fixture(name) }));
    await expect(attempt).rejects.toMatchObject({ code });
    await expect(attempt).rejects.toThrow(message);
  });

  it('rejects bad plugin params from the configuration with a coded error', async () => {
    await expect(createRegistry(config({ RECGATE_STRATEGY_PARAMS: '{"category-affinity": {"prior": -1}}' }))).rejects.toMatchObject({
      code: 'RG_ERR_STRATEGY_PARAMS',
    });
    expect(() => config({ RECGATE_STRATEGY_PARAMS: '{not json' })).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG' }));
  });

  it('loads a plugin given as a path to its folder', async () => {
    const plugin = await loadPlugin(path.resolve(__dirname, '../../plugins/category-affinity'));
    expect(plugin).toMatchObject({ name: 'category-affinity', requires: '^1.0.0' });
  });
});

describe('the example plugin, served by the gateway', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway('sqlite', { RECGATE_META_POLICY: 'off', RECGATE_SERVING_STRATEGY: 'category-affinity', RECGATE_TRAIN_ON_START: 'all' });
    await t.gql('mutation($items: [ItemInput!]!) { upsertItems(items: $items) { id } }', {
      items: [
        { id: 'h1', title: 'Halloween', categories: ['Horror'] },
        { id: 'h2', title: 'The Thing', categories: ['Horror', 'Sci-Fi'] },
        { id: 'h3', title: 'Hereditary', categories: ['Horror'] },
        { id: 'c1', title: 'Airplane!', categories: ['Comedy'] },
        { id: 'c2', title: 'Groundhog Day', categories: ['Comedy'] },
      ],
    });
    const inputs = [
      ...['a', 'b', 'c'].map((u) => ({ userId: u, itemId: 'c1', type: 'CLICK' })),
      ...['a', 'b'].map((u) => ({ userId: u, itemId: 'c2', type: 'CLICK' })),
      { userId: 'x', itemId: 'h2', type: 'CLICK' },
      { userId: 'y', itemId: 'h3', type: 'CLICK' },
      { userId: 'fan', itemId: 'h1', type: 'PURCHASE' },
    ];
    await t.gql('mutation($inputs: [FeedbackInput!]!) { recordFeedbackBatch(inputs: $inputs) { id } }', { inputs });
    await t.gateway.refresh();
    const registry = t.gateway.services.registry;
    // train the plugin now that the data is in (start-up training saw an empty database)
    const { trainStrategy } = await import('../../src/models/train-strategy.js');
    const { dbInteractionReader } = await import('../../src/db/index.js');
    const { arrayCatalogReader } = await import('../../src/strategies/in-memory-readers.js');
    const entry = registry.get('category-affinity');
    const trained = await trainStrategy(entry, {
      interactions: dbInteractionReader(t.database.db, t.gateway.config.signalPolicy),
      catalog: arrayCatalogReader(t.gateway.services.catalogCache.items),
    });
    await t.gateway.services.models.install(entry, trained, t.gateway.services.catalogCache.view);
  });
  afterAll(() => t?.close());

  it('serves the plugin for a user with history, explained in its words', async () => {
    const r = await t.gql('{ recommendations(userId: "fan", limit: 2) { strategy modelVersion items { item { id } explanation } } }', {}, t.clientKey);
    const slate = r.data!.recommendations;
    expect(slate.strategy).toBe('category-affinity');
    expect(slate.modelVersion).toMatch(/^category-affinity@/);
    expect(slate.items.map((i: any) => i.item.id).sort()).toEqual(['h2', 'h3']);
    expect(slate.items[0].explanation).toBe('because you like Horror');
  });

  it('falls back to popularity for a user without history', async () => {
    const r = await t.gql('{ recommendations(userId: "stranger", limit: 2) { strategy items { item { id } } } }', {}, t.clientKey);
    expect(r.data!.recommendations.strategy).toBe('popularity');
    expect(r.data!.recommendations.items[0].item.id).toBe('c1');
  });

  it('lists the plugin as serving, with its model version', async () => {
    const r = await t.gql('{ strategies { name source status modelVersion } }');
    expect(r.data!.strategies).toContainEqual(expect.objectContaining({ name: 'category-affinity', source: 'plugin:category-affinity', status: 'SERVING' }));
  });
});
