/**
 * The one check of an API key against the scopes root fields declare: used before execution
 * (`src/http/scope-plugin.ts`), by compiled queries, and by subscriptions (which do not pass
 * the execute-time check).
 */
import { rgError, type RecgateError } from '../errors.js';
import type { ApiKeyInfo } from './api-keys.js';
import { allows, type RootFieldScopes } from './scopes.js';

/** The error refusing a key that lacks the scope one of these root fields needs; null: allowed. */
export function scopeError(scopes: RootFieldScopes, fields: readonly string[], key: ApiKeyInfo | null): RecgateError | null {
  for (const field of fields) {
    const required = scopes.required(field);
    if (required === null) continue;
    if (!key) return rgError('RG_ERR_UNAUTHENTICATED');
    if (!allows(key.scopes, required)) return rgError('RG_ERR_FORBIDDEN', { scope: key.scopes.join(','), operation: field, required });
  }
  return null;
}
