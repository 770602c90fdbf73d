import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the gateway on DATABASE_URL (migrations applied first)')
    .option('--port <port>', 'port to listen on (default: PORT or 4000)')
    .option('--host <host>', 'address to bind (default: HOST or 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      const { runGateway } = await import('../run-gateway.js');
      await runGateway({ port: options.port, host: options.host });
    });
}
