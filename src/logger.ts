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

/**
 * Text with the secrets recgate knows of blanked: API keys (`rgk_...`), bearer tokens and
 * passwords in connection URLs (`postgres://user:***@host`). For error messages and stacks,
 * which may quote a URL or a header.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/rgk_[A-Za-z0-9_-]+/g, 'rgk_***')
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***')
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*):[^@/\s]*@/gi, '$1:***@');
}
