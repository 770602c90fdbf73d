/**
 * Checks the caller's API key against the scope every root field of the operation needs,
 * before anything executes: a request without the right key touches nothing. Each root
 * field declares its scope where it is defined (`scope()` in `src/auth/scopes.ts`); the
 * table is read from the built schema once.
 */
import type { Plugin } from 'graphql-yoga';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GraphQLContext } from '../schema/context.js';
import { rootFieldScopes } from '../auth/scopes.js';
import { scopeError } from '../auth/scope-check.js';
import { toGraphQLError } from './to-graphql-error.js';

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

/** The root fields of the operation a request runs (fragments flattened). */
export function operationRootFields(document: DocumentNode, operationName: string | null | undefined): string[] | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION && (operationName ? d.name?.value === operationName : !operation)) operation = d;
  }
  return operation ? rootFields(operation.selectionSet, fragments) : null;
}

export function useApiKeyScopes(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const fields = operationRootFields(args.document, args.operationName);
      if (!fields) return;
      // Cached per schema: a map lookup after the first request.
      const error = scopeError(rootFieldScopes(args.schema), fields, args.contextValue.apiKey);
      if (error) setResultAndStopExecution({ errors: [toGraphQLError(error)] });
    },
  };
}
