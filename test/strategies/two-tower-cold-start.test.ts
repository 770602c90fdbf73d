/**
 * Cold start on real data: an item nobody has interacted with reaches the slate of the
 * customer whose purchases its text resembles.
 *
 * Online Retail, first 12,000 purchase lines (Dec 2010; the slice in test/fixtures/online-retail,
 * whose catalogue is the 1,910 products those lines name). Customer 18229 bought five colours of
 * the "ALARM CLOCK BAKELIKE ..." family (chocolate, green, pink, orange, ivory) in those lines,
 * and in the data bought the red one, 22727 "ALARM CLOCK BAKELIKE RED", a month later (line
 * 34,829). Every purchase of 22727 is taken out of the slice, so for the model it is a
 * catalogue item nobody has bought: its vector can only come from its text. It must be in
 * 18229's top 10 (of 1,910 items, their own purchases excluded), and must not simply be
 * pushed to everyone: it may be in the top 10 of only a few other customers.
 *
 * Robustness: with these params, on this slice, seeds 1-5, 7 and 11 all ranked it 1st (other
 * customers with it in their top 10: 2.1-13.1%, seed 7 the most); the test runs two of them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/import/load-dataset.js';
import { twoTowerStrategy, type TwoTowerModel } from '../../src/strategies/builtin/two-tower/index.js';
import type { CatalogView, InteractionRecord, ScoredItem } from '../../src/strategies/contract.js';
import { createCatalogView } from '../../src/strategies/in-memory-readers.js';
import { parseStrategyParams } from '../../src/strategies/params.js';
import { createInMemoryTrainContext } from '../../src/testing/train-context.js';
import { ONLINE_RETAIL_DIR } from '../support/datasets.js';

const CUSTOMER = '18229';
const COLD_ITEM = '22727'; // ALARM CLOCK BAKELIKE RED
const K = 10;
const params = parseStrategyParams(twoTowerStrategy, { epochs: 2, dim: 32, hiddenUnits: 64, batchSize: 256, learningRate: 0.01 });
const quiet = { info() {}, warn() {} };

let training: InteractionRecord[];
let catalog: CatalogView;
const historyOf = new Map<string, InteractionRecord[]>();

beforeAll(async () => {
  const data = await loadDataset('online-retail', ONLINE_RETAIL_DIR, { limit: 12_000 });
  training = data.interactions.filter((r) => r.itemId !== COLD_ITEM);
  catalog = createCatalogView(data.items);
  for (const r of training) {
    let h = historyOf.get(r.userId);
    if (!h) historyOf.set(r.userId, (h = []));
    h.push(r);
  }
});

function slateFor(model: TwoTowerModel, userId: string): readonly ScoredItem[] {
  const history = historyOf.get(userId)!;
  return twoTowerStrategy.recommend(model, {
    user: { id: userId, known: true, attributes: {}, history },
    k: K,
    exclude: new Set(history.map((r) => r.itemId)),
    filter: {},
    context: {},
    surface: 'test',
    catalog,
    now: 0,
  }) as readonly ScoredItem[];
}

describe('two-tower cold start', () => {
  it('the data is what the test says', () => {
    expect(catalog.get(COLD_ITEM)?.title).toBe('ALARM CLOCK BAKELIKE RED');
    expect(training.some((r) => r.itemId === COLD_ITEM)).toBe(false);
    const bought = new Set(historyOf.get(CUSTOMER)!.map((r) => catalog.get(r.itemId)?.title));
    expect([...bought].filter((t) => t?.startsWith('ALARM CLOCK BAKELIKE')).length).toBe(5);
  });

  it.each([7, 11])('recommends the never-bought item to the customer whose taste its text matches (seed %i)', async (seed) => {
    const ctx = createInMemoryTrainContext({ params, interactions: training, items: catalog.active, now: 0, seed, log: quiet });
    const { artifact } = await twoTowerStrategy.train(ctx);
    const model = await twoTowerStrategy.load(artifact, { params, catalog, log: quiet });
    try {
      expect(model.idRowOf.has(COLD_ITEM)).toBe(false); // cold: no id embedding, text only

      const slate = slateFor(model, CUSTOMER);
      const hit = slate.find((s) => s.itemId === COLD_ITEM);
      expect(hit, `top ${K} of ${CUSTOMER}: ${slate.map((s) => catalog.get(s.itemId)?.title).join('; ')}`).toBeDefined();
      expect(hit!.explanation).toMatch(/^Similar to "ALARM CLOCK BAKELIKE [A-Z]+", which you liked$/);

      const others = [...historyOf.keys()].filter((u) => u !== CUSTOMER);
      const alsoTop = others.filter((u) => slateFor(model, u).some((s) => s.itemId === COLD_ITEM)).length;
      expect(alsoTop / others.length).toBeLessThan(0.25);
    } finally {
      twoTowerStrategy.dispose(model);
    }
  });
});
