/**
 * The API edge's one mapping from coded failures to GraphQL: a RecgateError (a plain Error)
 * becomes a GraphQLError with `extensions.code` and the HTTP status yoga answers with, and
 * every other error keeps yoga's masking. The rest of recgate never sees GraphQL errors.
 */
import { GraphQLError, type SourceLocation } from 'graphql';
import { maskError as yogaMaskError, type MaskError } from 'graphql-yoga';
import { recgateErrorIn, type RecgateError } from '../errors.js';

/**
 * The GraphQLError clients see for a coded failure. `located` is the error GraphQL wrapped it
 * in, if any: its path and locations are kept.
 */
export function toGraphQLError(error: RecgateError, located?: GraphQLError): GraphQLError {
  const mapped = new GraphQLError(error.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    originalError: error,
    // yoga reads the status from here and leaves `http` out of the response body.
    extensions: { code: error.code, http: { status: error.httpStatus } },
  });
  // graphql-jit's errors carry locations without nodes.
  if (mapped.locations === undefined && located?.locations) (mapped as { locations?: readonly SourceLocation[] }).locations = located.locations;
  return mapped;
}

/** Already the GraphQLError the edge makes for this RecgateError (graphql-jit's errors may have no extensions). */
const isMapped = (error: unknown, coded: RecgateError): boolean =>
  error instanceof GraphQLError && error.originalError === coded && (error.extensions as GraphQLError['extensions'] | undefined)?.code === coded.code;

/**
 * yoga's `maskedErrors.maskError`: a RecgateError anywhere in the error's `originalError`
 * chain is shown with its code; everything else is masked as yoga masks it.
 */
export const maskErrorAtEdge: MaskError = (error, message, isDev) => {
  const coded = recgateErrorIn(error);
  if (!coded) return yogaMaskError(error, message, isDev);
  if (isMapped(error, coded)) return error as Error;
  return toGraphQLError(coded, error instanceof GraphQLError ? error : undefined);
};
