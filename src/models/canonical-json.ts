/**
 * JSON with object keys sorted at every depth, so that two equal values give one text.
 *
 * PostgreSQL's jsonb does not keep key order (it stores keys shortest first), SQLite's JSON
 * text does: `JSON.stringify` of the same params read back from the two engines differs, and
 * comparing those texts made "skip training when nothing changed" never fire on PostgreSQL.
 * Array order is meaningful and kept; `undefined` members are dropped as JSON drops them.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => (isPlainObject(member) ? sortedCopy(member) : member));
}

/** True when `a` and `b` are the same JSON value, whatever the order of their keys. */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortedCopy(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, object[key]]),
  );
}
