/**
 * The one rule for an external id (a user's or an item's id in the host's own system), shared
 * by the API and every importer so that whatever one path accepts the other accepts too:
 * trimmed, 1 to 256 characters, no control characters. Control characters are refused because
 * PostgreSQL cannot store U+0000 in text (the write would fail as an internal error after
 * validation said yes) and because an id with a newline or an escape in it breaks every log
 * line, CSV export and terminal table that prints it.
 */
import { z } from 'zod';

export const MAX_EXTERNAL_ID_LENGTH = 256;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const externalId = z
  .string()
  .trim()
  .min(1, { error: 'is empty' })
  .max(MAX_EXTERNAL_ID_LENGTH, { error: `is longer than ${MAX_EXTERNAL_ID_LENGTH} characters` })
  .refine((id) => !CONTROL_CHARACTER.test(id), { error: 'contains a control character (U+0000 to U+001F or U+007F)' });
