/**
 * Structured logs: one JSON object per line on stderr, so stdout stays for command output.
 * Never logs secrets or request bodies.
 */
import type { Logger } from './strategies/contract.js';

export interface AppLogger extends Logger {
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(options: { quiet?: boolean } = {}): AppLogger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (options.quiet && level !== 'error') return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
