/**
 * Depth, cost, alias, directive and token limits (graphql-armor), with rejections turned
 * into RG_ERR_QUERY_TOO_COMPLEX so clients see one code for "this query asks for too much".
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { rgError } from '../errors.js';
import { toGraphQLError } from './to-graphql-error.js';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

/** graphql-armor words every rejection "<What> limit of N exceeded, found M." */
const ARMOR_REJECTION = /limit of \d+ exceeded/i;

/**
 * The token limit is enforced while parsing, so yoga has already coded that rejection
 * GRAPHQL_PARSE_FAILED; the other limits arrive uncoded.
 */
const recodable = (error: GraphQLError): boolean => !error.extensions?.code || error.extensions.code === 'GRAPHQL_PARSE_FAILED';

function recode(error: unknown): unknown {
  if (error instanceof GraphQLError && recodable(error) && ARMOR_REJECTION.test(error.message)) {
    return toGraphQLError(rgError('RG_ERR_QUERY_TOO_COMPLEX', { reason: error.message.replace(/^Syntax Error: /, '').replace(/\.$/, '') }));
  }
  return error;
}

export function useQueryLimits(limits: QueryLimits): Plugin[] {
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxAliases: { n: 30 },
    maxDirectives: { n: 50 },
    maxTokens: { n: 5_000 },
    // Field suggestions help developers; the schema is public documentation anyway.
    blockFieldSuggestion: { enabled: false },
  });
  const coded: Plugin = {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result) || !Array.isArray(result.errors)) return;
      if (!result.errors.some((e) => recode(e) !== e)) return;
      // The coded error carries its HTTP status (400) in its extensions.
      setResult({ ...result, errors: result.errors.map(recode) as GraphQLError[] } as typeof result);
    },
  };
  return [armor as Plugin, coded];
}
