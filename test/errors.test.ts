import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, RecgateError, rgError, type ErrorCode } from '../src/errors.js';

describe('the error table', () => {
  const codes = Object.keys(ERRORS) as ErrorCode[];
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it.each(codes)('%s is well-formed and documented in the README', (code) => {
    expect(code).toMatch(/^RG_ERR_[A-Z_]+$/);
    expect(ERRORS[code].message.length).toBeGreaterThan(10);
    expect(readme).toContain(`\`${code}\``);
    const error = rgError(code, {});
    expect(error).toBeInstanceOf(RecgateError);
    expect(error.extensions.code).toBe(code);
  });

  it('fills message placeholders from details', () => {
    expect(rgError('RG_ERR_UNKNOWN_ITEM', { itemId: 'abc' }).message).toContain('"abc"');
  });

  it('lists no code in the README that the table lacks', () => {
    const documented = new Set(readme.match(/RG_ERR_[A-Z_]+/g) ?? []);
    for (const code of documented) expect(codes).toContain(code);
  });
});
