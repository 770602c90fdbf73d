/**
 * The HTTP front of a gateway: `/graphql` (graphql-yoga), `/healthz` (the process is up),
 * `/readyz` (models loaded and the database answers), and the request body size limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from './gateway.js';
import { rgError } from './errors.js';

export interface RunningServer {
  readonly server: http.Server;
  readonly url: string;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function tooLarge(res: http.ServerResponse, size: number | string, limit: number): void {
  const error = rgError('RG_ERR_REQUEST_TOO_LARGE', { size, limit });
  sendJson(res, 413, { errors: [{ message: error.message, extensions: { code: error.code } }] });
}

/** Reads a body sent without content-length (chunked), stopping at the limit. */
function readLimited(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createRequestHandler(gateway: Gateway): http.RequestListener {
  const limit = gateway.config.maxBodyBytes;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      gateway.services.db.prisma.$queryRawUnsafe('SELECT 1').then(
        () => sendJson(res, gateway.ready ? 200 : 503, { status: gateway.ready ? 'ready' : 'starting' }),
        () => sendJson(res, 503, { status: 'database unreachable' }),
      );
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) return tooLarge(res, declared, limit);
    if (declared === undefined && req.headers['transfer-encoding']) {
      // Chunked: buffer up to the limit, then hand the body to yoga as a fetch Request.
      readLimited(req, limit).then(async (body) => {
        if (body === null) return tooLarge(res, `more than ${limit}`, limit);
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'transfer-encoding') headers.set(k, v);
        const response = await gateway.yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url}`, { method: req.method, headers, body });
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      }).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Unexpected error.' }] });
      });
      return;
    }
    void gateway.yoga(req, res);
  };
}

export async function startServer(gateway: Gateway, options: { port: number; host: string }): Promise<RunningServer> {
  const server = http.createServer(createRequestHandler(gateway));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : error.code === 'EADDRNOTAVAIL' ? 'no such address on this machine (check --host or HOST)' : error.message;
      reject(rgError('RG_ERR_PORT_UNAVAILABLE', { host: options.host, port: options.port, reason }, { cause: error }));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
