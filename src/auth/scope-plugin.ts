/**
 * Checks the caller's API key against the scope every root field of the operation needs,
 * before anything executes: a request without the right key touches nothing.
 */
import type { Plugin } from 'graphql-yoga';
import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { rgError } from '../errors.js';
import type { GraphQLContext } from '../schema/context.js';
import { allows, requiredScope } from './scopes.js';

function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) out.push(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...rootFields(s.selectionSet, fragments, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const f = fragments.get(s.name.value);
      if (f) out.push(...rootFields(f.selectionSet, fragments, seen));
    }
  }
  return out;
}

export function useApiKeyScopes(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      let operation: OperationDefinitionNode | undefined;
      for (const d of args.document.definitions) {
        if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
        else if (d.kind === Kind.OPERATION_DEFINITION && (args.operationName ? d.name?.value === args.operationName : !operation)) operation = d;
      }
      if (!operation) return;
      const key = args.contextValue.apiKey;
      for (const field of rootFields(operation.selectionSet, fragments)) {
        const required = requiredScope(field);
        if (required === null) continue;
        const error = !key
          ? rgError('RG_ERR_UNAUTHENTICATED')
          : !allows(key.scopes, required)
            ? rgError('RG_ERR_FORBIDDEN', { scope: key.scopes.join(','), operation: field, required })
            : null;
        if (error) {
          setResultAndStopExecution({ errors: [error] });
          return;
        }
      }
    },
  };
}
