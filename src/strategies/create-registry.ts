/**
 * The registry a gateway (or the eval command) serves from: the built-in strategies, then
 * every plugin found in the plugins folder and in RECGATE_PLUGINS. Params for any strategy
 * come from RECGATE_STRATEGY_PARAMS, validated at registration.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import { registerBuiltins } from './builtin/index.js';
import { discoverPlugins, registerPlugins } from './plugins/plugin-loader.js';
import { StrategyRegistry } from './registry.js';

export const DEFAULT_PLUGIN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../plugins');

export async function createRegistry(
  config: Pick<Config, 'popularityHalfLifeHours' | 'strategyParams' | 'pluginDir' | 'pluginPaths'>,
): Promise<StrategyRegistry> {
  const registry = new StrategyRegistry();
  const paramsFor = (name: string): unknown => config.strategyParams[name];
  registerBuiltins(registry, config, paramsFor);
  const paths = [...discoverPlugins(config.pluginDir ?? DEFAULT_PLUGIN_DIR), ...config.pluginPaths.map((p) => path.resolve(p))];
  await registerPlugins(registry, paths, paramsFor);
  return registry;
}
