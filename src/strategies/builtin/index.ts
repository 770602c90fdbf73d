import type { Config } from '../../config/index.js';
import { StrategyRegistry } from '../registry.js';
import { popularityStrategy } from './popularity.js';

export { popularityStrategy } from './popularity.js';

/** A registry with every built-in strategy, params taken from the configuration. */
export function createBuiltinRegistry(config: Pick<Config, 'popularityHalfLifeHours'>): StrategyRegistry {
  const registry = new StrategyRegistry();
  registry.register(popularityStrategy, { params: { halfLifeHours: config.popularityHalfLifeHours } });
  return registry;
}
