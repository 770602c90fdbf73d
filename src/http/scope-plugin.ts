/**
 * Checks the caller's API key against the scope every root field of the operation needs,
 * before anything executes: a request without the right key touches nothing.
 */
import type { Plugin } from 'graphql-yoga';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { rgError, type RecgateError } from '../errors.js';
import type { ApiKeyInfo } from '../auth/api-keys.js';
import type { GraphQLContext } from '../schema/context.js';
import { allows, requiredScope } from '../auth/scopes.js';
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

/** The error refusing a key that lacks the scope one of these root fields needs; null: allowed. */
export function scopeError(fields: readonly string[], key: ApiKeyInfo | null): RecgateError | null {
  for (const field of fields) {
    const required = requiredScope(field);
    if (required === null) continue;
    if (!key) return rgError('RG_ERR_UNAUTHENTICATED');
    if (!allows(key.scopes, required)) return rgError('RG_ERR_FORBIDDEN', { scope: key.scopes.join(','), operation: field, required });
  }
  return null;
}

export function useApiKeyScopes(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const fields = operationRootFields(args.document, args.operationName);
      if (!fields) return;
      const error = scopeError(fields, args.contextValue.apiKey);
      if (error) setResultAndStopExecution({ errors: [toGraphQLError(error)] });
    },
  };
}
