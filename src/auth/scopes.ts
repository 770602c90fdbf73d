import type { GraphQLObjectType, GraphQLSchema } from 'graphql';

/** What an API key may do: `client` serves frontends, `admin` may do everything. */
export const SCOPES = ['client', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** The field extension a root field declares its scope in. */
export const SCOPE_EXTENSION = 'scope';

/**
 * Field options declaring the scope a root field needs, spread into the field where it is
 * defined: `t.field({ ...scope('client'), type: ..., resolve: ... })`. The declaration sits
 * next to the resolver it guards, so there is no list elsewhere to keep in step.
 */
export function scope(required: Scope): { extensions: { [SCOPE_EXTENSION]: Scope } } {
  return { extensions: { [SCOPE_EXTENSION]: required } };
}

/** Meta fields (introspection, __typename) need no key at all. */
export const PUBLIC_FIELDS: ReadonlySet<string> = new Set(['__typename', '__schema', '__type']);

/** The scope each root field needs, read once from a built schema. */
export interface RootFieldScopes {
  /** Null: public. A field that declares no scope (or is not in the schema) needs `admin`. */
  required(rootField: string): Scope | null;
}

const cache = new WeakMap<GraphQLSchema, RootFieldScopes>();

/** The scope a field's extensions declare, or null when it declares none (or an unknown one). */
export function declaredScope(extensions: Readonly<Record<string, unknown>> | null | undefined): Scope | null {
  const value = extensions?.[SCOPE_EXTENSION];
  return isScope(value) ? value : null;
}

/**
 * Reads the scopes the Query, Mutation and Subscription fields declare into a map, once per
 * schema (later calls return the same table). A field that declares none stays closed
 * (`admin`); a name on two root types needs the stricter of their scopes.
 */
export function rootFieldScopes(schema: GraphQLSchema): RootFieldScopes {
  const cached = cache.get(schema);
  if (cached) return cached;
  const scopes = new Map<string, Scope>();
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t): t is GraphQLObjectType => t != null);
  for (const root of roots) {
    for (const field of Object.values(root.getFields())) {
      const declared = declaredScope(field.extensions) ?? 'admin';
      scopes.set(field.name, scopes.get(field.name) === 'admin' ? 'admin' : declared);
    }
  }
  const table: RootFieldScopes = {
    required: (rootField) => (PUBLIC_FIELDS.has(rootField) ? null : (scopes.get(rootField) ?? 'admin')),
  };
  cache.set(schema, table);
  return table;
}

/** `admin` includes everything `client` may do. */
export function allows(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
