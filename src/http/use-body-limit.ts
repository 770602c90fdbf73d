/**
 * The request body size limit (`RECGATE_MAX_BODY_BYTES`) as a yoga plugin, answering 413
 * with RG_ERR_REQUEST_TOO_LARGE. A declared `content-length` is checked from the header
 * alone (the HTTP parser never reads past it); a body without one (chunked) is read up to
 * the limit. This replaces yoga's own limit, which pipes every body through a transform
 * stream, a cost per request that the header check does not have.
 */
import type { Plugin } from 'graphql-yoga';
import { rgError } from '../errors.js';
import { toGraphQLError } from './to-graphql-error.js';

const CONTENT_LENGTH = /^\d+$/;

async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw toGraphQLError(rgError('RG_ERR_REQUEST_TOO_LARGE', { size: `more than ${limit}`, limit }));
    }
    chunks.push(value);
  }
  const bytes = Buffer.concat(chunks);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (CONTENT_LENGTH.test(declared) && Number(declared) > limit) throw toGraphQLError(rgError('RG_ERR_REQUEST_TOO_LARGE', { size: declared, limit }));
        if (CONTENT_LENGTH.test(declared)) return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser(async (req) => {
        const body = await readLimited(req.body!, limit);
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }));
      });
    },
  };
}
