/**
 * The GraphQL schema: one file per domain registers its types on the shared builder.
 */
import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { rootFieldScopes } from '../auth/scopes.js';
import './items.js';
import './users.js';
import './feedback.js';
import './recommendations.js';
import './strategies.js';
import './jobs.js';
import './models.js';
import './meta-policy.js';
import './experiments.js';

let schema: GraphQLSchema | null = null;

export function buildSchema(): GraphQLSchema {
  if (!schema) {
    schema = lexicographicSortSchema(builder.toSchema());
    // Reads the scopes the root fields declare into the table the scope check uses.
    rootFieldScopes(schema);
  }
  return schema;
}

export type { GraphQLContext } from './context.js';
