/**
 * Start-up failures a new user meets end the command with a code, one line naming what to
 * fix, and exit status 1: no stack trace, no password in the message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/run-cli.js';
import { POSTGRES_ADMIN_URL, TEST_PROVIDERS } from '../support/test-database.js';

const pgUp = TEST_PROVIDERS.includes('postgres');
const admin = new URL(POSTGRES_ADMIN_URL);

function expectOneLineFailure(run: CliRun, code: string): string {
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${code}: `));
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

/** A PostgreSQL URL like the test server's, with parts replaced. */
function postgresUrl(parts: { user?: string; password?: string; port?: string; database?: string }): string {
  const u = new URL(POSTGRES_ADMIN_URL);
  if (parts.user !== undefined) u.username = parts.user;
  if (parts.password !== undefined) u.password = parts.password;
  if (parts.port !== undefined) u.port = parts.port;
  if (parts.database !== undefined) u.pathname = `/${parts.database}`;
  return u.toString();
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('start-up failures', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(path.join(tmpdir(), 'recgate-start-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.runIf(pgUp)(
    'a PostgreSQL URL with an empty user: RG_ERR_DATABASE_AUTH saying the URL names no user',
    async () => {
      const run = await runCli(['keys', 'list'], { cwd, env: { DATABASE_URL: `postgres://@${admin.host}/postgres`, USER: '', PGUSER: '' } });
      const line = expectOneLineFailure(run, 'RG_ERR_DATABASE_AUTH');
      expect(line).toContain('DATABASE_URL names no user');
    },
    60_000,
  );

  it.runIf(pgUp)(
    'a role that does not exist, with a password: RG_ERR_DATABASE_AUTH, and the password is not printed',
    async () => {
      const run = await runCli(['keys', 'list'], { cwd, env: { DATABASE_URL: postgresUrl({ user: 'recgate_nobody', password: 's3cret-pw' }) } });
      const line = expectOneLineFailure(run, 'RG_ERR_DATABASE_AUTH');
      expect(line).toContain('recgate_nobody');
      expect(run.stderr + run.stdout).not.toContain('s3cret-pw');
    },
    60_000,
  );

  it.runIf(pgUp)(
    'a database that does not exist: RG_ERR_DATABASE_MISSING naming it and createdb',
    async () => {
      const run = await runCli(['keys', 'list'], { cwd, env: { DATABASE_URL: postgresUrl({ database: 'recgate_no_such_db' }) } });
      const line = expectOneLineFailure(run, 'RG_ERR_DATABASE_MISSING');
      expect(line).toContain('"recgate_no_such_db"');
      expect(line).toContain('createdb recgate_no_such_db');
    },
    60_000,
  );

  it('a refused connection: RG_ERR_DATABASE_UNREACHABLE naming host and port', async () => {
    const port = await freePort();
    const run = await runCli(['keys', 'list'], { cwd, env: { DATABASE_URL: `postgres://root:pw@127.0.0.1:${port}/recgate` } });
    const line = expectOneLineFailure(run, 'RG_ERR_DATABASE_UNREACHABLE');
    expect(line).toContain(`PostgreSQL at 127.0.0.1:${port}`);
    expect(line).toContain('start PostgreSQL');
  }, 60_000);

  it('a SQLite file in a folder that does not exist: RG_ERR_DATABASE_UNREACHABLE naming the file', async () => {
    const file = path.join(cwd, 'no-such-folder', 'recgate.db');
    const run = await runCli(['keys', 'list'], { cwd, env: { DATABASE_URL: `file:${file}` } });
    const line = expectOneLineFailure(run, 'RG_ERR_DATABASE_UNREACHABLE');
    expect(line).toContain(file);
  }, 60_000);

  it('a port in use: RG_ERR_PORT_UNAVAILABLE naming it, and the command exits', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const run = await runCli(['serve', '--port', String(port)], {
        cwd,
        env: { DATABASE_URL: `file:${path.join(cwd, 'serve.db')}`, RECGATE_TRAIN_ON_START: 'none' },
      });
      expect(run.signal).toBeNull(); // exited by itself, not killed by the time-out
      expect(run.status).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(new RegExp(`^RG_ERR_PORT_UNAVAILABLE: Cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use\\.`));
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  }, 90_000);
});
