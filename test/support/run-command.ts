/** Runs `recgate <args>` in process with the given subcommands registered; returns what it printed. */
import { Command } from 'commander';
import { vi } from 'vitest';

export async function runCommand(register: (program: Command) => void, args: string[]): Promise<string> {
  const program = new Command('recgate').exitOverride();
  register(program);
  let printed = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return printed;
}
