/**
 * Start-up failures of the database connection as coded errors with a one-line message
 * naming what to fix, instead of a driver's stack trace. Messages never carry the password.
 */
import { rgError, type RecgateError } from '../errors.js';

interface DriverError {
  readonly code?: unknown;
  readonly message?: unknown;
}

const asDriverError = (error: unknown): DriverError => (error && typeof error === 'object' ? (error as DriverError) : {});

/** Host, port, user and database named by a PostgreSQL URL, with libpq's defaults. */
function postgresParts(url: string): { host: string; port: string; user: string; database: string } {
  try {
    const u = new URL(url);
    return {
      host: u.hostname || 'localhost',
      port: u.port || '5432',
      user: decodeURIComponent(u.username),
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username),
    };
  } catch {
    return { host: '?', port: '?', user: '', database: '?' };
  }
}

/** The coded error for a failed PostgreSQL connection, or null when it is something else. */
export function postgresConnectError(error: unknown, url: string): RecgateError | null {
  const { code, message } = asDriverError(error);
  const reason = typeof message === 'string' ? message : String(error);
  const { host, port, user, database } = postgresParts(url);
  const at = `${host}:${port}`;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return rgError(
        'RG_ERR_DATABASE_UNREACHABLE',
        { target: `PostgreSQL at ${at}`, reason, fix: 'start PostgreSQL, or fix the host and port in DATABASE_URL' },
        { cause: error },
      );
    case '3D000':
      return rgError('RG_ERR_DATABASE_MISSING', { database, at }, { cause: error });
    case '28000':
    case '28P01':
      return rgError(
        'RG_ERR_DATABASE_AUTH',
        {
          at,
          reason: user === '' ? 'DATABASE_URL names no user (postgres://<user>@host:port/db; was $USER empty?)' : reason,
        },
        { cause: error },
      );
    default:
      return null;
  }
}

/** The coded error for a SQLite file that cannot be opened (a missing folder, no permission). */
export function sqliteOpenError(error: unknown, file: string): RecgateError {
  const { message } = asDriverError(error);
  return rgError(
    'RG_ERR_DATABASE_UNREACHABLE',
    {
      target: `SQLite file ${file}`,
      reason: typeof message === 'string' ? message : String(error),
      fix: 'fix the path in DATABASE_URL (its folder must exist and be writable)',
    },
    { cause: error },
  );
}
