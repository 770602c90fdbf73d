import type { Command } from 'commander';
import { registerDemoCommand } from './demo.js';
import { registerServeCommand } from './serve.js';
import { registerKeysCommand } from './keys.js';
import { registerEvalCommand } from './eval.js';
import { registerOpeCommand } from './ope.js';
import { registerImportCommand } from './import.js';
import { registerWorkerCommand } from './worker.js';
import { registerTrainCommand } from './train.js';
import { registerExportCommand } from './export.js';
import { registerExperimentsCommand } from './experiments.js';

/** Every subcommand, in the order `recgate --help` lists them. */
export const commands: ReadonlyArray<(program: Command) => void> = [
  registerDemoCommand,
  registerServeCommand,
  registerWorkerCommand,
  registerTrainCommand,
  registerKeysCommand,
  registerEvalCommand,
  registerOpeCommand,
  registerImportCommand,
  registerExportCommand,
  registerExperimentsCommand,
];
