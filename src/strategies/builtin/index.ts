import type { Config } from '../../config/index.js';
import { StrategyRegistry } from '../registry.js';
import { popularityStrategy } from './popularity.js';
import { alsStrategy } from './cf/index.js';
import { twoTowerStrategy } from './two-tower/index.js';
import { metaRlStrategy } from './meta-rl/index.js';
import { itemItemStrategy } from './item-item/index.js';

export { popularityStrategy } from './popularity.js';
export { alsStrategy } from './cf/index.js';
export { twoTowerStrategy } from './two-tower/index.js';
export { metaRlStrategy } from './meta-rl/index.js';
export { itemItemStrategy } from './item-item/index.js';

/** The built-in strategies, in the order `strategies` lists them. */
export const BUILTIN_STRATEGIES = [popularityStrategy, alsStrategy, twoTowerStrategy, metaRlStrategy, itemItemStrategy] as const;

/** Registers every built-in; popularity's half-life also has its own variable. */
export function registerBuiltins(
  registry: StrategyRegistry,
  config: Pick<Config, 'popularityHalfLifeHours'>,
  paramsFor: (name: string) => unknown = () => undefined,
): void {
  for (const strategy of BUILTIN_STRATEGIES) {
    const configured = paramsFor(strategy.name);
    const params =
      strategy.name === popularityStrategy.name ? { halfLifeHours: config.popularityHalfLifeHours, ...(configured as object | undefined) } : configured;
    registry.register(strategy, { params });
  }
}

/** A registry of the built-ins only (benchmarks; the gateway adds plugins: createRegistry). */
export function createBuiltinRegistry(config: Pick<Config, 'popularityHalfLifeHours'>): StrategyRegistry {
  const registry = new StrategyRegistry();
  registerBuiltins(registry, config);
  return registry;
}
