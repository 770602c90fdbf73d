import type { Command } from 'commander';

/** `recgate demo`: embedded SQLite, MovieTweetings imported on first start, GraphiQL on. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Start a gateway on an embedded SQLite file with the MovieTweetings data (no Redis needed)')
    .option('--port <port>', 'port to listen on', '4000')
    .option('--db <file>', 'SQLite file to use, default recgate.db: the file every other command opens (DATABASE_URL, when set, wins)')
    .action(async (options: { port: string; db?: string }) => {
      const { runDemo } = await import('../run-demo.js');
      await runDemo(options);
    });
}
