/**
 * Streams a text file line by line (node:readline over an fs stream, gunzipped when the name
 * ends in `.gz`), so a 400k-row import never holds the file in memory.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { rgError } from '../errors.js';
import type { ByteProgress } from './rows.js';

export interface SourceLine {
  readonly text: string;
  /** 1-based line number in the (decompressed) file. */
  readonly line: number;
}

export interface ReadLinesOptions {
  /** How the bytes are decoded. @default 'utf8' */
  readonly encoding?: 'utf8' | 'latin1';
  /** Told the bytes read from disk so far, at most once per line. */
  readonly progress?: ByteProgress;
}

export async function* readLines(file: string, options: ReadLinesOptions = {}): AsyncGenerator<SourceLine> {
  const fileStream = createReadStream(file);
  let input: Readable = fileStream;
  if (file.endsWith('.gz')) {
    const gunzip = createGunzip();
    // pipe() does not forward errors; a read error must still end the iteration.
    fileStream.on('error', (error) => gunzip.destroy(error));
    input = fileStream.pipe(gunzip);
  }
  input.setEncoding(options.encoding ?? 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line += 1;
      // A UTF-8 byte order mark is not part of the first field's name.
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      options.progress?.(fileStream.bytesRead);
      yield { text, line };
    }
  } catch (error) {
    throw rgError('RG_ERR_IMPORT_FILE', { file, reason: describeReadError(error) }, { cause: error });
  } finally {
    lines.close();
    fileStream.destroy();
  }
}

function describeReadError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    if (code === 'EISDIR') return 'it is a directory';
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') return `not a valid gzip file (${error.message})`;
    return error.message;
  }
  return String(error);
}

/**
 * 'utf8' when the whole file is valid UTF-8, else 'latin1'. MovieLens 100K ships latin1
 * titles ("Misérables" as byte 0xE9), while users who re-saved the file have UTF-8; decoding
 * either way by guess would garble one of them.
 */
export async function detectTextEncoding(file: string): Promise<'utf8' | 'latin1'> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(file)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return 'utf8';
  } catch (error) {
    if (error instanceof TypeError) return 'latin1';
    throw rgError('RG_ERR_IMPORT_FILE', { file, reason: describeReadError(error) }, { cause: error });
  }
}
