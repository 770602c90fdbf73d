/** Starts a gateway with its HTTP server and stops both cleanly on SIGINT/SIGTERM. */
import { loadConfig, type Config } from '../config/index.js';
import { createGateway, type Gateway } from '../gateway.js';
import { createLogger } from '../logger.js';
import { startServer, type RunningServer } from '../server.js';
import { rgError } from '../errors.js';
import type { GraphiQLDefaults } from '../serving/graphiql.js';

export function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw rgError('RG_ERR_CONFIG', { reason: `--port must be 0-65535, got "${raw}"` });
  return port;
}

export async function runGateway(
  options: { port?: string; host?: string; env?: NodeJS.ProcessEnv; graphiql?: GraphiQLDefaults },
  onStarted?: (info: { gateway: Gateway; server: RunningServer; config: Config }) => Promise<void> | void,
): Promise<void> {
  const config = loadConfig(options.env);
  const log = createLogger();
  const gateway = await createGateway(config, { log, graphiql: options.graphiql });
  let server: RunningServer;
  try {
    server = await startServer(gateway, { port: parsePort(options.port, config.port), host: options.host ?? config.host });
  } catch (error) {
    await gateway.close(); // nothing may keep the process alive after a coded start-up failure
    throw error;
  }
  log.info('gateway listening', { url: `${server.url}/graphql`, database: gateway.services.db.provider });
  await onStarted?.({ gateway, server, config });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('shutting down');
  await server.close();
  await gateway.close();
}
