/**
 * Every unexpected error (masked as INTERNAL_SERVER_ERROR for clients) is logged once, with
 * the id of the request it happened in and without secrets. The id is the client's
 * `x-request-id` when it sends a sane one, else a new UUID; it is echoed in the response's
 * `x-request-id` header and in the masked error's `extensions.requestId`, so a user's report
 * leads to the log line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { recgateErrorIn } from '../errors.js';
import { redactSecrets, type AppLogger } from '../logger.js';

const REQUEST_ID_HEADER = 'x-request-id';
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

const requestIds = new AsyncLocalStorage<string>();
const idOfRequest = new WeakMap<Request, string>();

/** The id of the request being handled, if any. */
export const currentRequestId = (): string | undefined => requestIds.getStore();

function requestIdFor(request: Request): string {
  const sent = request.headers.get(REQUEST_ID_HEADER);
  return sent !== null && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}

interface LoggedError {
  readonly message?: unknown;
  readonly path?: unknown;
  readonly stack?: unknown;
  readonly originalError?: unknown;
}

/** The fields of a log line for one error: message, GraphQL path, the original's stack. */
function describeError(error: unknown): Record<string, unknown> {
  if (!error || typeof error !== 'object') return { error: redactSecrets(String(error)) };
  const e = error as LoggedError;
  const original = (e.originalError && typeof e.originalError === 'object' ? e.originalError : e) as LoggedError & { name?: unknown };
  return {
    error: redactSecrets(String(e.message ?? original.message ?? error)),
    ...(Array.isArray(e.path) ? { path: e.path.join('.') } : {}),
    ...(typeof original.name === 'string' ? { errorName: original.name } : {}),
    ...(typeof original.stack === 'string' ? { stack: redactSecrets(original.stack) } : {}),
  };
}

/**
 * yoga's logger: yoga calls `error` once for each error it masks (in execution, in parsing
 * or building the context); that is the one log line per unexpected error. A coded failure
 * (RecgateError) is expected: the edge maps it to its coded GraphQLError, which yoga reports
 * as a replaced error, but it is not logged.
 */
export function yogaErrorLogger(log: AppLogger): YogaLogger {
  const quiet = (): void => {};
  return {
    debug: quiet,
    info: quiet,
    warn: (...args: unknown[]) => log.warn('graphql warning', { requestId: currentRequestId(), detail: redactSecrets(args.map(String).join(' ')) }),
    error: (...args: unknown[]) => {
      if (recgateErrorIn(args[0])) return;
      log.error('unexpected error', { requestId: currentRequestId(), ...describeError(args[0]) });
    },
  };
}

const isMasked = (error: GraphQLError): boolean => error.extensions?.code === 'INTERNAL_SERVER_ERROR';

/** Gives each request its id, for the log and for the client. */
export function useRequestIds(): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const id = requestIdFor(request);
        idOfRequest.set(request, id);
        return requestIds.run(id, wrapped);
      },
    },
    onResultProcess({ request, result, setResult }) {
      const id = idOfRequest.get(request);
      if (!id || Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result) || !Array.isArray(result.errors)) return;
      if (!result.errors.some(isMasked)) return;
      const errors = (result.errors as GraphQLError[]).map((e) =>
        isMasked(e)
          ? new GraphQLError(e.message, {
              nodes: e.nodes,
              source: e.source,
              positions: e.positions,
              path: e.path,
              extensions: { ...e.extensions, requestId: id },
            })
          : e,
      );
      setResult({ ...result, errors } as typeof result);
    },
    onResponse({ request, response }) {
      const id = idOfRequest.get(request);
      if (id) response.headers.set(REQUEST_ID_HEADER, id);
    },
  };
}
