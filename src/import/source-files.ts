/** Checks on the paths a user passes to an import, each failure an `RG_ERR_IMPORT_FILE`. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rgError } from '../errors.js';

export interface CheckedFile {
  readonly path: string;
  readonly bytes: number;
}

/** A readable regular file; returns its resolved path and size. */
export async function requireFile(path: string): Promise<CheckedFile> {
  const file = resolve(path);
  const info = await stat(file).catch(() => null);
  if (info === null) throw rgError('RG_ERR_IMPORT_FILE', { file, reason: 'no such file' });
  if (!info.isFile()) throw rgError('RG_ERR_IMPORT_FILE', { file, reason: 'not a regular file' });
  await access(file, constants.R_OK).catch(() => {
    throw rgError('RG_ERR_IMPORT_FILE', { file, reason: 'permission denied' });
  });
  return { path: file, bytes: info.size };
}

/** A directory that holds every one of `names`; returns the checked files by name. */
export async function requireDirectoryFiles<N extends string>(directory: string, names: readonly N[], format: string): Promise<Record<N, CheckedFile>> {
  const dir = resolve(directory);
  const info = await stat(dir).catch(() => null);
  if (info === null) throw rgError('RG_ERR_IMPORT_FILE', { file: dir, reason: 'no such directory' });
  if (!info.isDirectory()) {
    throw rgError('RG_ERR_IMPORT_FILE', {
      file: dir,
      reason: `the ${format} format takes a directory holding ${names.join(' and ')}`,
    });
  }
  const files = {} as Record<N, CheckedFile>;
  for (const name of names) files[name] = await requireFile(join(dir, name));
  return files;
}
