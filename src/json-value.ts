/**
 * The one place recgate turns JSON text into values: untrusted text (environment variables,
 * options, messages) with a reason a user can act on, and Json columns, which some drivers
 * hand back as text (SQLite through raw queries) and others as values.
 */
export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** Parses JSON text; never throws. */
export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A Json column's value: parsed when the driver returned its text. A string that is not JSON
 * text is itself the stored value (a JSON string the driver already parsed).
 */
export function jsonColumn(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const parsed = parseJson(value);
  return parsed.ok ? parsed.value : value;
}
