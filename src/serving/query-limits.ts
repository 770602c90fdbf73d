/**
 * Depth, cost, alias and token limits (graphql-armor), with rejections turned into
 * RG_ERR_QUERY_TOO_COMPLEX so clients see one code for "this query asks for too much".
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { rgError } from '../errors.js';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

export function useQueryLimits(limits: QueryLimits): Plugin[] {
  const rejected = new WeakSet<GraphQLError>();
  const onReject = [(_ctx: unknown, error: GraphQLError) => void rejected.add(error)];
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, onReject },
    maxAliases: { n: 30, onReject },
    maxDirectives: { n: 50, onReject },
    maxTokens: { n: 5_000, onReject },
    // Field suggestions are useful to developers; our schema is public documentation anyway.
    blockFieldSuggestion: { enabled: false },
  });
  const recode: Plugin = {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.some((e) => rejected.has(e))) {
          setResult(result.map((e) => (rejected.has(e) ? rgError('RG_ERR_QUERY_TOO_COMPLEX', { reason: e.message.replace(/^Syntax Error: /, '') }) : e)));
        }
      };
    },
  };
  return [armor as Plugin, recode];
}
