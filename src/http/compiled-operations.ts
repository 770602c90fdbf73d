/**
 * Compiled operations: every query document yoga has parsed and validated (with the query
 * limits) is compiled once with graphql-jit and kept, keyed by its text and operation name.
 * A later request with the same text skips parsing, validation, envelop's hook chain and
 * graphql-js' execution: it is authorised against the root fields found at compile time and
 * runs the compiled function. A frontend sends the same few operations over and over, so
 * after the first request of each, every request takes this path.
 *
 * Only queries are compiled (mutations keep the full path); a document is compiled only
 * after yoga validated it, so a document that fails validation never gets here.
 */
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { Kind, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import { createLRUCache, type Plugin } from 'graphql-yoga';
import { operationRootFields } from './scope-plugin.js';
import { scopeError } from '../auth/scope-check.js';
import { rootFieldScopes, type RootFieldScopes } from '../auth/scopes.js';
import { maskErrorAtEdge, toGraphQLError } from './to-graphql-error.js';
import type { GraphQLContext } from '../schema/context.js';

/** Distinct operations kept; a frontend has tens. @default 1000 */
const MAX_OPERATIONS = 1_000;

export interface CompiledOperation {
  readonly query: CompiledQuery;
  /** Root fields of the operation, for the scope check. */
  readonly rootFields: readonly string[];
  /** The scopes the schema it was compiled against declares. */
  readonly scopes: RootFieldScopes;
}

/** What a request asks: the GraphQL-over-HTTP parameters. */
export interface OperationRequest {
  readonly query?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
  readonly extensions?: unknown;
}

const keyOf = (query: string, operationName: string | null | undefined): string => `${operationName ?? ''}\n${query}`;

export class CompiledOperations {
  readonly #operations = createLRUCache<CompiledOperation>({ max: MAX_OPERATIONS });
  /** The text each parsed document came from (yoga caches documents, so one entry per text). */
  readonly #sources = new WeakMap<DocumentNode, string>();

  /** The compiled operation for a request, or null when it must take the full path. */
  lookup(request: OperationRequest): CompiledOperation | null {
    if (typeof request.query !== 'string' || request.extensions != null) return null;
    if (request.operationName != null && typeof request.operationName !== 'string') return null;
    return this.#operations.get(keyOf(request.query, request.operationName)) ?? null;
  }

  /**
   * Runs a compiled operation for a caller. A key without the scope gets the same coded
   * error the scope plugin gives.
   */
  execute(operation: CompiledOperation, context: GraphQLContext, variables: unknown): ExecutionResult | Promise<ExecutionResult> {
    const denied = scopeError(operation.scopes, operation.rootFields, context.apiKey);
    if (denied) return { errors: [toGraphQLError(denied)] };
    const vars = variables && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {};
    return operation.query.query(undefined, context, vars) as ExecutionResult | Promise<ExecutionResult>;
  }

  #compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): void {
    const source = this.#sources.get(document);
    if (source === undefined) return;
    const key = keyOf(source, operationName);
    if (this.#operations.get(key)) return;
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (operationName ? d.name?.value === operationName : true));
    if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return;
    const rootFields = operationRootFields(document, operationName);
    const query = compileQuery(schema, document, operationName ?? undefined);
    if (!rootFields || !isCompiledQuery(query)) return;
    this.#operations.set(key, { query, rootFields, scopes: rootFieldScopes(schema) });
  }

  /** The yoga plugin that fills the cache with the documents yoga validated. */
  plugin(): Plugin<GraphQLContext> {
    return {
      onParse: ({ params }) => {
        const source = typeof params.source === 'string' ? params.source : params.source.body;
        return ({ result }) => {
          if (result && typeof result === 'object' && 'kind' in result && result.kind === Kind.DOCUMENT) this.#sources.set(result, source);
        };
      },
      // Execution starts only after every validation rule (query limits included) passed.
      onExecute: ({ args }) => {
        this.#compile(args.schema, args.document, args.operationName);
      },
    };
  }
}

export interface CompiledOperationsPluginOptions {
  /** Builds the resolvers' context for a request (the same factory yoga is given). */
  readonly context: (request: Request) => Promise<GraphQLContext>;
  /** Show unexpected errors' details (as yoga's `maskedErrors.isDev`). @default false */
  readonly isDev?: boolean;
  /** Told each error that was masked (yoga logs those it masks; so does this path). */
  readonly onMasked?: (error: unknown) => void;
}

/**
 * Serves requests whose operation is compiled straight from yoga's parameters, before
 * parsing: the result goes through yoga's result processing (status, headers, accept) like
 * any other. Errors are masked as yoga masks them (coded failures keep their code).
 */
export function useCompiledOperations(operations: CompiledOperations, options: CompiledOperationsPluginOptions): Plugin<GraphQLContext> {
  const maskOne = (error: GraphQLError): GraphQLError => {
    const masked = maskErrorAtEdge(error, 'Unexpected error.', options.isDev ?? false) as GraphQLError;
    if (masked !== error) options.onMasked?.(error);
    return masked;
  };
  const mask = (result: ExecutionResult): ExecutionResult => (result.errors ? { ...result, errors: result.errors.map(maskOne) } : result);
  return {
    ...operations.plugin(),
    onParams: async ({ params, request, setResult }) => {
      const operation = operations.lookup(params);
      if (!operation) return;
      setResult(mask(await operations.execute(operation, await options.context(request), params.variables)));
    },
  };
}
