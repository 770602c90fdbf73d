/**
 * A plugin: a package that contributes strategies. It says which strategy contract it was
 * written against (`requires`, a semver range), and the host checks that before loading any
 * of its strategies, so an incompatible plugin stops start-up instead of failing later.
 */
import type { StrategyDefinition } from '../contract.js';

export interface PluginDefinition {
  /** The plugin's name, used in errors and in `strategies { source }`. */
  readonly name: string;
  /** Semver range of STRATEGY_CONTRACT_VERSION this plugin works with, e.g. "^1.0.0". */
  readonly requires: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- strategies of any param/model type
  readonly strategies: readonly StrategyDefinition<any, any>[];
}

export function definePlugin(definition: PluginDefinition): PluginDefinition {
  return Object.freeze({ ...definition, strategies: Object.freeze([...definition.strategies]) });
}
