/**
 * The one table of recgate error codes. Every expected failure, in the API, the CLI, an
 * importer or a plugin loader, is one of these. The README lists them all (a test checks).
 *
 * A RecgateError is a plain `Error` with a code, so the CLI, importers and strategies carry no
 * GraphQL. The API edge (`src/http/to-graphql-error.ts`) maps it to a GraphQLError whose
 * `errors[].extensions.code` is the `RG_ERR_*` name; anything not in this table is masked as
 * INTERNAL_SERVER_ERROR by graphql-yoga.
 */

interface ErrorSpec {
  /** Message template; `{name}` placeholders are filled from the details. */
  readonly message: string;
  /** HTTP status graphql-yoga answers with when this is the only error. @default 200 */
  readonly httpStatus?: number;
}

export const ERRORS = {
  // --- authentication and limits -----------------------------------------------------
  RG_ERR_UNAUTHENTICATED: {
    message: 'Missing or unknown API key. Send it as "Authorization: Bearer <key>" (create one with `npx recgate keys create`).',
    httpStatus: 401,
  },
  RG_ERR_FORBIDDEN: {
    message: 'This API key has scope "{scope}", which does not allow {operation}; it needs scope "{required}".',
    httpStatus: 403,
  },
  RG_ERR_REQUEST_TOO_LARGE: {
    message: 'The request body is {size} bytes; the limit is {limit} bytes (RECGATE_MAX_BODY_BYTES).',
    httpStatus: 413,
  },
  RG_ERR_QUERY_TOO_COMPLEX: { message: 'The query is over a limit (depth, cost, aliases, directives or tokens): {reason}.', httpStatus: 400 },

  // --- input validation ----------------------------------------------------------------
  RG_ERR_INVALID_INPUT: { message: 'Invalid input at {path}: {reason}.' },
  RG_ERR_UNKNOWN_ITEM: { message: 'Unknown item "{itemId}". Add it with upsertItems before sending feedback for it.' },
  RG_ERR_UNKNOWN_ITEMS: {
    message: 'Unknown item ids ({count}): {itemIds}. Ask for items in the catalogue (add them with upsertItems).',
  },
  RG_ERR_UNKNOWN_USER: { message: 'Unknown user "{userId}".' },
  RG_ERR_UNKNOWN_IMPRESSION: {
    message: 'Unknown impression "{impressionId}". Use the impressionId returned by recommendations, or omit it.',
  },
  RG_ERR_IMPRESSION_USER_MISMATCH: {
    message: 'Impression "{impressionId}" was served to another user than "{userId}".',
  },
  RG_ERR_FEEDBACK_TIME: {
    message: 'Feedback time at {path}: {reason}. Send the time the user acted, or omit occurredAt to use the server clock.',
  },
  RG_ERR_FEEDBACK_VALUE: { message: 'Invalid {type} value at {path}: {reason}.' },
  RG_ERR_IDEMPOTENCY_CONFLICT: {
    message: 'Idempotency key "{key}" was already used for different feedback. Use a new key for new feedback.',
  },

  // --- configuration and start-up --------------------------------------------------------
  RG_ERR_CONFIG: { message: 'Invalid configuration: {reason}.' },
  RG_ERR_DATABASE_URL: {
    message: 'DATABASE_URL "{url}" is not supported. Use file:<path> (SQLite) or postgres://... (PostgreSQL).',
  },
  RG_ERR_MIGRATION_FAILED: { message: 'Applying migration {migration} failed: {reason}.' },
  RG_ERR_DATABASE_UNREACHABLE: { message: 'Cannot open {target}: {reason}. To fix: {fix}.' },
  RG_ERR_DATABASE_MISSING: {
    message: 'PostgreSQL at {at} has no database "{database}". Create it (`createdb {database}`) or fix the database name in DATABASE_URL.',
  },
  RG_ERR_DATABASE_AUTH: { message: 'PostgreSQL at {at} refused the login: {reason}. Fix the user (and password) in DATABASE_URL.' },
  RG_ERR_PORT_UNAVAILABLE: {
    message: 'Cannot listen on {host}:{port}: {reason}. Choose another port with --port (or PORT), or stop what uses it.',
  },
  RG_ERR_DATABASE_EMPTY: {
    message:
      'The database {database} has no interactions, so there is nothing to {action}. Import some first (`npx recgate import ...`; `npx recgate demo` imports a sample into the default ./recgate.db), or point DATABASE_URL at the database that has them.',
  },

  // --- strategies and the registry --------------------------------------------------------
  RG_ERR_STRATEGY_UNKNOWN: { message: 'No strategy named "{name}" is registered. Registered: {registered}.' },
  RG_ERR_STRATEGY_DUPLICATE: {
    message: 'A strategy named "{name}" is already registered (by {source}); {newcomer} cannot register it again.',
  },
  RG_ERR_STRATEGY_PARAMS: { message: 'Invalid params for strategy "{name}": {reason}.' },
  RG_ERR_STRATEGY_NOT_TRAINED: { message: 'Strategy "{name}" has no trained model yet.' },
  RG_ERR_ARTIFACT_INVALID: { message: 'Model artifact for "{name}" cannot be read: {reason}.' },
  RG_ERR_TRAINING_ABORTED: { message: 'Training of "{name}" was aborted.' },
  RG_ERR_CATALOG_TOO_LARGE: {
    message: 'Strategy "{name}" cannot fit {items} items with {method}: its limit is {limit} items; {hint}. Nothing was trained.',
  },
  RG_ERR_SEARCH_SPACE: { message: 'Search space of strategy "{name}": {reason}.' },
  RG_ERR_MODEL_VERSION_UNKNOWN: { message: 'No model version "{id}". List them with the modelVersions query.' },
  RG_ERR_MODEL_PROMOTION: { message: 'Model version "{id}" cannot be promoted: {reason}.' },
  RG_ERR_MODEL_ROLLBACK: { message: 'Cannot roll back "{strategy}": {reason}.' },
  RG_ERR_PLUGIN_LOAD: { message: 'Plugin "{plugin}" failed to load: {reason}.' },
  RG_ERR_PLUGIN_CONTRACT: {
    message: 'Plugin "{plugin}" requires strategy contract {required}, this recgate provides {provided}.',
  },

  // --- jobs and workers ------------------------------------------------------------------
  RG_ERR_REDIS_REQUIRED: { message: '{feature} needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379).' },
  RG_ERR_REDIS_UNAVAILABLE: { message: 'Redis at {url} is not reachable: {reason}.' },
  RG_ERR_JOB_PAYLOAD: { message: 'Invalid {queue} job payload at {path}: {reason}.' },
  RG_ERR_JOB_UNKNOWN: { message: 'No job "{id}".' },
  RG_ERR_QUEUE_UNKNOWN: { message: 'Unknown queue "{queue}". Queues: {queues}.' },
  RG_ERR_JOB_FAILED: { message: 'Job {id} ({queue}) failed: {reason}.' },

  // --- importers -----------------------------------------------------------------------
  RG_ERR_IMPORT_FORMAT: { message: 'Unknown import format "{format}". Formats: {formats}.' },
  RG_ERR_IMPORT_FILE: { message: 'Cannot read {file}: {reason}.' },
  RG_ERR_IMPORT_BAD_ROWS: {
    message: '{count} bad row(s) with --strict; nothing was written. First: {first}.',
  },

  // --- evaluation ------------------------------------------------------------------------
  RG_ERR_EVAL_PROTOCOL: { message: 'Unknown evaluation protocol "{protocol}". Protocols: {protocols}.' },
  RG_ERR_EVAL_NO_DATA: { message: 'Not enough interactions to evaluate: {reason}.' },
  RG_ERR_OPE_LOG: { message: 'Bad bandit log {file}, line {line}: {reason}. Nothing was estimated.' },
  RG_ERR_OPE_LOG_SOURCE: { message: 'Log source "{spec}" cannot be used: {reason}. Supported: {supported}.' },
  RG_ERR_OPE_POLICY: { message: 'Target policy "{spec}" cannot be used: {reason}. Supported: {supported}.' },

  // --- meta-policy -----------------------------------------------------------------------
  RG_ERR_META_POLICY_OFF: { message: 'The meta-policy is off (RECGATE_META_POLICY=off); {operation} needs it on.' },

  // --- experiments ---------------------------------------------------------------------------
  RG_ERR_EXPERIMENT_UNKNOWN: { message: 'No experiment with key "{key}".' },
  RG_ERR_EXPERIMENT_EXISTS: { message: 'An experiment with key "{key}" already exists; keys are never reused (archive the old one and pick a new key).' },
  RG_ERR_EXPERIMENT_WEIGHTS: {
    message: 'Variant weights of experiment "{key}" are invalid: {reason}. Give every variant a positive weight, the weights summing to 1.',
  },
  RG_ERR_EXPERIMENT_CONTROL: { message: 'Experiment "{key}" names control variant "{control}", which is not one of its variants ({variants}).' },
  RG_ERR_EXPERIMENT_NAMESPACE_OVERLAP: {
    message:
      'Experiment "{key}" takes range [{start}, {end}) of namespace "{namespace}", which overlaps [{otherStart}, {otherEnd}) of active experiment "{other}". Give it a disjoint range.',
  },
  RG_ERR_EXPERIMENT_SURFACE_CONFLICT: {
    message:
      'Experiment "{key}" and active experiment "{other}" both apply to surface "{surface}" without sharing a namespace; a request can serve one experiment only. Put both in one namespace with disjoint ranges, or stop "{other}".',
  },
  RG_ERR_EXPERIMENT_TRANSITION: { message: 'Experiment "{key}" is {status}; it cannot {action}. {hint}' },
  RG_ERR_EXPERIMENT_RUNNING_CHANGE: {
    message:
      'Experiment "{key}" is {status}: changing {fields} would mix two designs in one analysis. Pass newPhase: true to start a new phase (results restart from it).',
  },
  RG_ERR_EXPERIMENT_FILE: { message: 'Cannot read experiment spec file "{file}": {reason}.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export type ErrorDetails = Record<string, string | number | boolean | undefined>;

/** An expected, coded failure. The API edge shows it to clients unmasked, with its code. */
export class RecgateError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** The HTTP status the API answers with when this is the only error. @default 200 */
  readonly httpStatus: number;

  constructor(code: ErrorCode, details: ErrorDetails = {}, options: { cause?: unknown } = {}) {
    const spec: ErrorSpec = ERRORS[code];
    const message = spec.message.replace(/\{(\w+)\}/g, (_, key: string) => String(details[key] ?? `{${key}}`));
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecgateError';
    this.code = code;
    this.details = details;
    this.httpStatus = spec.httpStatus ?? 200;
  }
}

/** Shorthand used everywhere: `throw rgError('RG_ERR_UNKNOWN_ITEM', { itemId })`. */
export function rgError(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown }): RecgateError {
  return new RecgateError(code, details, options);
}

export function isRecgateError(value: unknown): value is RecgateError {
  return value instanceof RecgateError;
}

/** The RecgateError an error stands for: itself, or one in its `originalError` chain (how GraphQL wraps what resolvers throw). */
export function recgateErrorIn(value: unknown): RecgateError | undefined {
  for (let current = value, depth = 0; current && typeof current === 'object' && depth < 10; depth++) {
    if (current instanceof RecgateError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}
