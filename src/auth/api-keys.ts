/**
 * API keys: random 32-byte secrets shown once, stored as SHA-256 (a fast hash is right for
 * high-entropy keys; slow password hashes protect guessable secrets). Verification is cached
 * briefly so a request costs no database read; revocation takes effect within the cache TTL.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/index.js';
import { rgError } from '../errors.js';
import { isScope, type Scope } from './scopes.js';

const KEY_PREFIX = 'rgk_';
/** How long a verified key is trusted without asking the database again. */
const CACHE_TTL_MS = 30_000;
/** lastUsedAt is written at most this often per key. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ApiKeyInfo {
  readonly id: number;
  readonly prefix: string;
  readonly label: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

function parseScopes(raw: string): Scope[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(isScope);
}

function toInfo(row: {
  id: number;
  prefix: string;
  label: string;
  scopes: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): ApiKeyInfo {
  return {
    id: row.id,
    prefix: row.prefix,
    label: row.label,
    scopes: parseScopes(row.scopes),
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export async function createApiKey(db: Database, options: { scopes: readonly string[]; label: string }): Promise<{ key: string; info: ApiKeyInfo }> {
  const bad = options.scopes.find((s) => !isScope(s));
  if (options.scopes.length === 0 || bad !== undefined) {
    throw rgError('RG_ERR_INVALID_INPUT', { path: 'scope', reason: `must be one of client, admin${bad ? ` (got "${bad}")` : ''}` });
  }
  const label = options.label.trim();
  if (label.length === 0 || label.length > 100) throw rgError('RG_ERR_INVALID_INPUT', { path: 'label', reason: 'must be 1 to 100 characters' });
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const row = await db.prisma.apiKey.create({
    data: { prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashKey(key), scopes: [...new Set(options.scopes)].join(','), label },
  });
  return { key, info: toInfo(row) };
}

export async function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  return (await db.prisma.apiKey.findMany({ orderBy: { id: 'asc' } })).map(toInfo);
}

/** Revokes by id or by the printed prefix. Returns how many keys were revoked. */
export async function revokeApiKey(db: Database, idOrPrefix: string): Promise<number> {
  const id = /^\d+$/.test(idOrPrefix) ? Number(idOrPrefix) : undefined;
  const result = await db.prisma.apiKey.updateMany({
    where: { revokedAt: null, ...(id !== undefined ? { id } : { prefix: idOrPrefix }) },
    data: { revokedAt: new Date() },
  });
  return result.count;
}

export class ApiKeyVerifier {
  readonly #cache = new Map<string, { info: ApiKeyInfo | null; until: number }>();
  readonly #touched = new Map<number, number>();

  constructor(private readonly db: Database) {}

  /** The key's record, or null when the key is unknown or revoked. */
  async verify(key: string): Promise<ApiKeyInfo | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 128) return null;
    const hash = hashKey(key);
    const now = Date.now();
    const cached = this.#cache.get(hash);
    let info: ApiKeyInfo | null;
    if (cached && cached.until > now) info = cached.info;
    else {
      const row = await this.db.prisma.apiKey.findUnique({ where: { hash } });
      info = row && !row.revokedAt ? toInfo(row) : null;
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(hash, { info, until: now + CACHE_TTL_MS });
    }
    if (info) this.#touch(info.id, now);
    return info;
  }

  #touch(id: number, now: number): void {
    if ((this.#touched.get(id) ?? 0) > now - TOUCH_INTERVAL_MS) return;
    this.#touched.set(id, now);
    void this.db.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
  }
}
