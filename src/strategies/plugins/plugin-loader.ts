/**
 * Finds and loads strategy plugins at start-up: every folder of the plugins directory with a
 * package.json, plus explicit paths from the configuration. A plugin is loaded through its
 * package entry (`exports["."]` or `main`), exactly as a third party's package would be.
 * Anything wrong (throws while loading, wrong shape, contract mismatch, duplicate name)
 * stops start-up with a coded error naming the plugin.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { z } from 'zod';
import { isRecgateError, rgError } from '../../errors.js';
import { defineStrategy, STRATEGY_CONTRACT_VERSION } from '../contract.js';
import type { StrategyRegistry } from '../registry.js';
import type { PluginDefinition } from './define-plugin.js';

const pluginShape = z.object({
  name: z.string().min(1),
  requires: z.string().min(1),
  strategies: z
    .array(
      z.looseObject({
        name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'strategy names are kebab-case'),
        version: z.string(),
        train: z.function(),
        load: z.function(),
        recommend: z.function(),
      }),
    )
    .min(1, 'a plugin contributes at least one strategy'),
});

/** Plugin folders: each subfolder of `dir` that has a package.json, in name order. */
export function discoverPlugins(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name))
    .filter((p) => statSync(p).isDirectory() && existsSync(path.join(p, 'package.json')));
}

function entryOf(pluginDir: string): string {
  const pkg = JSON.parse(readFileSync(path.join(pluginDir, 'package.json'), 'utf8')) as {
    exports?: string | Record<string, unknown>;
    main?: string;
  };
  const exported = typeof pkg.exports === 'string' ? pkg.exports : pkg.exports?.['.'];
  const entry =
    typeof exported === 'string'
      ? exported
      : exported && typeof exported === 'object'
        ? ((exported as Record<string, unknown>).import ?? (exported as Record<string, unknown>).default)
        : pkg.main;
  if (typeof entry !== 'string') throw new Error('package.json has neither "exports" nor "main"');
  return path.resolve(pluginDir, entry);
}

export async function loadPlugin(pluginPath: string): Promise<PluginDefinition> {
  const label = path.basename(pluginPath);
  let plugin: unknown;
  try {
    const entry = statSync(pluginPath).isDirectory() ? entryOf(pluginPath) : pluginPath;
    const mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    plugin = mod.default;
  } catch (error) {
    if (isRecgateError(error)) throw error;
    throw rgError('RG_ERR_PLUGIN_LOAD', { plugin: label, reason: (error as Error).message }, { cause: error });
  }
  const parsed = pluginShape.safeParse(plugin);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw rgError('RG_ERR_PLUGIN_LOAD', {
      plugin: label,
      reason: `its default export must be definePlugin({ name, requires, strategies }); ${issue.path.join('.') || 'export'}: ${issue.message}`,
    });
  }
  const definition = plugin as PluginDefinition;
  if (!semver.validRange(definition.requires) || !semver.satisfies(STRATEGY_CONTRACT_VERSION, definition.requires)) {
    throw rgError('RG_ERR_PLUGIN_CONTRACT', { plugin: definition.name, required: definition.requires, provided: STRATEGY_CONTRACT_VERSION });
  }
  return definition;
}

/** Loads every plugin and registers its strategies; params come from `paramsFor`. */
export async function registerPlugins(
  registry: StrategyRegistry,
  pluginPaths: readonly string[],
  paramsFor: (strategy: string) => unknown = () => undefined,
): Promise<PluginDefinition[]> {
  const loaded: PluginDefinition[] = [];
  for (const pluginPath of pluginPaths) {
    const plugin = await loadPlugin(pluginPath);
    for (const strategy of plugin.strategies) {
      // Through defineStrategy again: a plugin written for an older contract, or as a plain
      // object, gets the defaults of hooks it does not define (adapts, for contract 1.0).
      registry.register(defineStrategy(strategy), {
        params: paramsFor(strategy.name),
        source: { kind: 'plugin', plugin: plugin.name, path: pluginPath },
      });
    }
    loaded.push(plugin);
  }
  return loaded;
}
