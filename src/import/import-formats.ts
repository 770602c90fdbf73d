/** The registry of import formats: one list, and a coded error for any other name. */
import { rgError } from '../errors.js';
import { csvFormat } from './formats/csv.js';
import { movieLensFormat } from './formats/movielens.js';
import { movieTweetingsFormat } from './formats/movietweetings.js';
import { onlineRetailFormat } from './formats/online-retail.js';
import type { ImportFormat, ImportSource, ImportSourceOptions } from './rows.js';

export const IMPORT_FORMAT_NAMES = ['movietweetings', 'online-retail', 'movielens', 'csv'] as const;

export type ImportFormatName = (typeof IMPORT_FORMAT_NAMES)[number];

export const IMPORT_FORMATS: Readonly<Record<ImportFormatName, ImportFormat>> = Object.freeze({
  movietweetings: movieTweetingsFormat,
  'online-retail': onlineRetailFormat,
  movielens: movieLensFormat,
  csv: csvFormat,
});

export function isImportFormatName(name: string): name is ImportFormatName {
  return (IMPORT_FORMAT_NAMES as readonly string[]).includes(name);
}

/** The format called `name`; `RG_ERR_IMPORT_FORMAT` for any other name. */
export function getImportFormat(name: string): ImportFormat {
  if (!isImportFormatName(name)) {
    throw rgError('RG_ERR_IMPORT_FORMAT', { format: name, formats: IMPORT_FORMAT_NAMES.join(', ') });
  }
  return IMPORT_FORMATS[name];
}

/** Resolve the format and check its files, before anything is read or written. */
export async function openImportSource(format: string, path: string, options: ImportSourceOptions = {}): Promise<ImportSource> {
  const importFormat = getImportFormat(format);
  if (options.itemsFile !== undefined && importFormat !== csvFormat) {
    throw rgError('RG_ERR_INVALID_INPUT', {
      path: '--items',
      reason: `only the csv format takes an items file; ${format} reads its items from its directory`,
    });
  }
  return importFormat.open(path, options);
}
