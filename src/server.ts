/**
 * The HTTP front of a gateway: one node:http server handing every request to the gateway's
 * yoga app (`/graphql`, and `/healthz`, `/readyz` and the body limit as yoga plugins, see
 * src/http/).
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

export async function startServer(gateway: Gateway, options: { port: number; host: string }): Promise<RunningServer> {
  const server = http.createServer(gateway.yoga);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? 'the port is in use'
          : error.code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges)'
            : error.code === 'EADDRNOTAVAIL'
              ? 'no such address on this machine (check --host or HOST)'
              : error.message;
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
