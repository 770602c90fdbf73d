import { describe, expect, it } from 'vitest';
import { GraphQLObjectType, GraphQLSchema, GraphQLString, type GraphQLFieldConfigMap } from 'graphql';
import { buildSchema } from '../../src/schema/index.js';
import { declaredScope, rootFieldScopes } from '../../src/auth/scopes.js';
import { scopeError } from '../../src/auth/scope-check.js';
import type { ApiKeyInfo } from '../../src/auth/api-keys.js';

const key = (scopes: ApiKeyInfo['scopes']): ApiKeyInfo => ({
  id: 1,
  prefix: 'rgk_test',
  label: 'test',
  scopes,
  createdAt: new Date(),
  lastUsedAt: null,
  revokedAt: null,
});
const clientKey = key(['client']);
const adminKey = key(['admin']);

describe('scopes declared on the root fields', () => {
  const schema = buildSchema();
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t != null);

  it('every root field of Query, Mutation and Subscription declares its scope', () => {
    expect(roots.map((r) => r.name)).toEqual(expect.arrayContaining(['Query', 'Mutation']));
    const undeclared = roots.flatMap((r) =>
      Object.values(r.getFields())
        .filter((f) => declaredScope(f.extensions) === null)
        .map((f) => `${r.name}.${f.name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('only the frontend operations are open to client keys; introspection is public', () => {
    const scopes = rootFieldScopes(schema);
    const clientFields = roots.flatMap((r) => Object.keys(r.getFields())).filter((name) => scopes.required(name) === 'client');
    expect(clientFields.sort()).toEqual(['recommendations', 'recordFeedback', 'recordFeedbackBatch', 'similarItems']);
    expect(scopes.required('upsertItems')).toBe('admin');
    for (const meta of ['__typename', '__schema', '__type']) expect(scopes.required(meta)).toBeNull();
    expect(rootFieldScopes(schema)).toBe(scopes);
  });

  it('keeps a root field that declares no scope (or an unknown one) closed to client keys', () => {
    const fields: GraphQLFieldConfigMap<unknown, unknown> = {
      open: { type: GraphQLString, extensions: { scope: 'client' } },
      forgotten: { type: GraphQLString },
      misspelt: { type: GraphQLString, extensions: { scope: 'clients' } },
    };
    const scopes = rootFieldScopes(new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields }) }));
    expect(scopes.required('open')).toBe('client');
    expect(scopes.required('forgotten')).toBe('admin');
    expect(scopes.required('misspelt')).toBe('admin');
    expect(scopes.required('notInTheSchema')).toBe('admin');
    expect(scopeError(scopes, ['open'], clientKey)).toBeNull();
    expect(scopeError(scopes, ['open', 'forgotten'], clientKey)?.code).toBe('RG_ERR_FORBIDDEN');
    expect(scopeError(scopes, ['misspelt'], clientKey)?.code).toBe('RG_ERR_FORBIDDEN');
    expect(scopeError(scopes, ['forgotten'], null)?.code).toBe('RG_ERR_UNAUTHENTICATED');
    expect(scopeError(scopes, ['forgotten', '__typename'], adminKey)).toBeNull();
  });
});
