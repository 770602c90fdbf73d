/**
 * Synthetic populations for meta-rl's mechanism tests: users drawn from a few taste clusters
 * (each cluster likes its own items), with neutral titles so only behaviour tells clusters
 * apart, and an impression log. Seeded; small enough to train in a couple of seconds.
 */
import { createRandom } from '../../src/ml/random.js';
import type { CatalogItem, ImpressionRecord, InteractionRecord } from '../../src/strategies/contract.js';

export const HOUR = 3_600_000;
export const START = Date.UTC(2026, 0, 1);

export interface Population {
  readonly items: CatalogItem[];
  readonly train: InteractionRecord[];
  /** Held-out users: their cluster's items in the order they take them. */
  readonly heldOut: { readonly userId: string; readonly interactions: InteractionRecord[] }[];
  readonly clusterItems: string[][];
}

export function catalogItem(id: string, n: number): CatalogItem {
  return { id, title: `Item ${n}`, description: '', categories: [], attributes: {}, embedding: null, active: true, createdAt: START };
}

export function clusterPopulation(options: {
  clusters: number;
  itemsPerCluster: number;
  users: number;
  heldOut: number;
  perUser: number;
  seed: number;
}): Population {
  const random = createRandom(options.seed);
  const clusterItems: string[][] = [];
  const items: CatalogItem[] = [];
  for (let c = 0; c < options.clusters; c++) {
    const ids: string[] = [];
    for (let j = 0; j < options.itemsPerCluster; j++) {
      const id = `i${c * options.itemsPerCluster + j}`;
      ids.push(id);
      items.push(catalogItem(id, items.length));
    }
    clusterItems.push(ids);
  }
  const userOf = (userId: string, start: number): InteractionRecord[] => {
    const cluster = clusterItems[random.int(options.clusters)]!;
    const picks = random.shuffle([...cluster]).slice(0, options.perUser);
    return picks.map((itemId, t) => ({ userId, itemId, type: 'click', value: null, weight: 1, occurredAt: start + t * HOUR }));
  };
  const train: InteractionRecord[] = [];
  for (let u = 0; u < options.users; u++) train.push(...userOf(`u${u}`, START + u * 60_000));
  const heldOut = Array.from({ length: options.heldOut }, (_, h) => ({ userId: `h${h}`, interactions: userOf(`h${h}`, START + 1000 * HOUR + h * 60_000) }));
  return { items, train, heldOut, clusterItems };
}

/** Slates shown to the training users: each slate holds `shownIgnored` (never clicked) and one item the user then clicked. */
export function impressionLog(population: Population, shownIgnored: readonly string[]): ImpressionRecord[] {
  const log: ImpressionRecord[] = [];
  const byUser = new Map<string, InteractionRecord[]>();
  for (const r of population.train) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  for (const [userId, records] of byUser) {
    records.forEach((r, t) => {
      const items = [
        ...shownIgnored.map((itemId, position) => ({ itemId, position, reward: 0 })),
        { itemId: r.itemId, position: shownIgnored.length, reward: 1 },
      ];
      log.push({ id: `${userId}-${t}`, userId, shownAt: r.occurredAt - 1000, strategy: 'popularity', surface: 'home', items, propensity: 1 });
    });
  }
  return log;
}
