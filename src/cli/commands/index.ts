import type { Command } from 'commander';
import { registerServeCommand } from './serve.js';
import { registerKeysCommand } from './keys.js';
import { registerOpeCommand } from './ope.js';

/** Every subcommand, in the order `recgate --help` lists them. */
export const commands: ReadonlyArray<(program: Command) => void> = [registerServeCommand, registerKeysCommand, registerOpeCommand];
