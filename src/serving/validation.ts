/**
 * Parses untrusted input with a zod schema and turns the first problem into
 * RG_ERR_INVALID_INPUT naming the field, so every entry point rejects the same way.
 */
import type { z } from 'zod';
import { rgError } from '../errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, root = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [root, ...issue.path.map(String)].join('.');
  throw rgError('RG_ERR_INVALID_INPUT', { path, reason: issue.message });
}
