/**
 * The strategy registry: built-ins and plugins under one name space. It fails loudly: a name
 * registered twice, or asked for and never registered, is a coded error, never a silent
 * fallback to some default model.
 */
import { rgError } from '../errors.js';
import type { StrategyDefinition } from './contract.js';
import { parseStrategyParams } from './params.js';
import { validateSearchSpace } from './search-space.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds strategies of every param/model type
export type AnyStrategy = StrategyDefinition<any, any>;

export type StrategySource = { readonly kind: 'builtin' } | { readonly kind: 'plugin'; readonly plugin: string; readonly path: string };

export interface RegisteredStrategy {
  readonly definition: AnyStrategy;
  /** Params validated once at registration, defaults applied; frozen. */
  readonly params: unknown;
  readonly source: StrategySource;
}

export function describeSource(source: StrategySource): string {
  return source.kind === 'plugin' ? `plugin "${source.plugin}"` : 'recgate (built-in)';
}

export class StrategyRegistry {
  readonly #entries = new Map<string, RegisteredStrategy>();

  /** Registers a strategy with its params (validated here, once). */
  register(definition: AnyStrategy, options: { params?: unknown; source?: StrategySource } = {}): RegisteredStrategy {
    const source = options.source ?? { kind: 'builtin' };
    const existing = this.#entries.get(definition.name);
    if (existing) {
      throw rgError('RG_ERR_STRATEGY_DUPLICATE', {
        name: definition.name,
        source: describeSource(existing.source),
        newcomer: describeSource(source),
      });
    }
    const params = Object.freeze(parseStrategyParams(definition, options.params ?? {}));
    validateSearchSpace(definition);
    const entry = Object.freeze({ definition, params, source });
    this.#entries.set(definition.name, entry);
    return entry;
  }

  get(name: string): RegisteredStrategy {
    const entry = this.#entries.get(name);
    if (!entry) throw rgError('RG_ERR_STRATEGY_UNKNOWN', { name, registered: this.names().join(', ') || '(none)' });
    return entry;
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  list(): RegisteredStrategy[] {
    return [...this.#entries.values()];
  }
}
