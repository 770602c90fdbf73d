/**
 * The `recgate` command line. Each subcommand lives in `commands/<name>.ts` and registers
 * itself on the program; heavy modules are imported inside the action, so `recgate keys`
 * never loads TensorFlow.js.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isRecgateError } from '../errors.js';
import { commands } from './commands/index.js';

/** recgate's own version, from its package.json. */
export const RECGATE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('recgate')
    .description('Self-hostable recommendation gateway')
    .version(RECGATE_VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    const program = buildProgram();
    // A bare `recgate` is a request for help, not a mistake.
    if (argv.length <= 2) {
      program.outputHelp();
      return;
    }
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (isRecgateError(error)) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
