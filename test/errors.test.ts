import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { ERRORS, RecgateError, recgateErrorIn, rgError, type ErrorCode } from '../src/errors.js';
import { maskErrorAtEdge, toGraphQLError } from '../src/http/to-graphql-error.js';

describe('the error table', () => {
  const codes = Object.keys(ERRORS) as ErrorCode[];
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it.each(codes)('%s is well-formed and documented in the README', (code) => {
    expect(code).toMatch(/^RG_ERR_[A-Z_]+$/);
    expect(ERRORS[code].message.length).toBeGreaterThan(10);
    expect(readme).toContain(`\`${code}\``);
    const error = rgError(code, {});
    expect(error).toBeInstanceOf(RecgateError);
    expect(error.code).toBe(code);
    expect(toGraphQLError(error).extensions.code).toBe(code);
  });

  it('fills message placeholders from details', () => {
    expect(rgError('RG_ERR_UNKNOWN_ITEM', { itemId: 'abc' }).message).toContain('"abc"');
  });

  it('lists no code in the README that the table lacks', () => {
    const documented = new Set(readme.match(/RG_ERR_[A-Z_]+/g) ?? []);
    for (const code of documented) expect(codes).toContain(code);
  });

  it('RecgateError is a plain Error, not a GraphQLError', () => {
    const error = rgError('RG_ERR_FORBIDDEN', { scope: 'read', operation: 'upsertItems', required: 'write' }, { cause: new Error('why') });
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(GraphQLError);
    expect(error.code).toBe('RG_ERR_FORBIDDEN');
    expect(error.httpStatus).toBe(403);
    expect(error.details.required).toBe('write');
    expect((error.cause as Error).message).toBe('why');
    expect(rgError('RG_ERR_UNKNOWN_USER', { userId: 'u' }).httpStatus).toBe(200);
  });
});

describe('the API edge mapping', () => {
  it('maps a RecgateError to a GraphQLError with its code and HTTP status', () => {
    const error = rgError('RG_ERR_REQUEST_TOO_LARGE', { size: 9, limit: 1 });
    const mapped = toGraphQLError(error);
    expect(mapped).toBeInstanceOf(GraphQLError);
    expect(mapped.message).toBe(error.message);
    expect(mapped.extensions).toEqual({ code: 'RG_ERR_REQUEST_TOO_LARGE', http: { status: 413 } });
    expect(mapped.originalError).toBe(error);
    expect(toGraphQLError(rgError('RG_ERR_UNKNOWN_ITEM', { itemId: 'x' })).extensions).toEqual({ code: 'RG_ERR_UNKNOWN_ITEM', http: { status: 200 } });
  });

  it('keeps the path and locations of the error GraphQL wrapped it in', () => {
    const coded = rgError('RG_ERR_UNKNOWN_USER', { userId: 'u' });
    const located = new GraphQLError(coded.message, { path: ['recommendations'], originalError: coded });
    const masked = maskErrorAtEdge(located, 'Unexpected error.', false) as GraphQLError;
    expect(masked.extensions.code).toBe('RG_ERR_UNKNOWN_USER');
    expect(masked.path).toEqual(['recommendations']);
    expect(recgateErrorIn(masked)).toBe(coded);
    // Masking an already mapped error leaves it as it is.
    expect(maskErrorAtEdge(masked, 'Unexpected error.', false)).toBe(masked);
  });

  it('masks everything else as yoga does', () => {
    const masked = maskErrorAtEdge(new GraphQLError('boom', { originalError: new Error('secret') }), 'Unexpected error.', false) as GraphQLError;
    expect(masked.message).toBe('Unexpected error.');
    expect(masked.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(recgateErrorIn(masked)).toBeUndefined();
  });
});
