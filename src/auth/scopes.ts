/** What an API key may do: `client` serves frontends, `admin` may do everything. */
export const SCOPES = ['client', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/**
 * The scope each root field needs. Fields not listed need `admin`, so a new operation is
 * closed by default. Meta fields (introspection, __typename) need no key at all.
 */
export const CLIENT_OPERATIONS: ReadonlySet<string> = new Set(['recommendations', 'similarItems', 'recordFeedback', 'recordFeedbackBatch']);

export const PUBLIC_FIELDS: ReadonlySet<string> = new Set(['__typename', '__schema', '__type']);

export function requiredScope(rootField: string): Scope | null {
  if (PUBLIC_FIELDS.has(rootField)) return null;
  return CLIENT_OPERATIONS.has(rootField) ? 'client' : 'admin';
}

/** `admin` includes everything `client` may do. */
export function allows(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
