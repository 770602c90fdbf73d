/**
 * The `recgate` command line. Each subcommand lives in `commands/<name>.ts` and registers
 * itself on the program; heavy modules are imported inside the action, so `recgate keys`
 * never loads TensorFlow.js.
 */
import { Command, CommanderError } from 'commander';
import { isRecgateError } from '../errors.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('recgate')
    .description('Self-hostable recommendation gateway')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
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
