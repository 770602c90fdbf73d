/**
 * Reads the Open Bandit Dataset layout (Saito et al. 2020): `{random,bts}/<campaign>/<campaign>.csv`
 * with an `item_context.csv` beside it. Every row is validated with zod; the first bad row
 * stops the read with `RG_ERR_OPE_LOG` naming the file and line, so nothing is estimated
 * from a half-read log.
 */
import { readFile, access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { rgError } from '../../errors.js';
import type { ActionFeatures, ActionSpace, BanditRound, LoggedBanditFeedback } from './bandit-feedback.js';
import { csvCells, textLines } from './log-lines.js';
import type { BanditFeedbackSource, FeedbackLoadOptions } from './feedback-source.js';

export interface ObdReadOptions extends FeedbackLoadOptions {
  /** Slate length; positions in the file run 1 .. slateSize. @default 3 (ZOZOTOWN's left, centre, right) */
  readonly slateSize?: number;
  /**
   * Item features defining the action space. `null` ignores them (the actions are then the
   * items seen in the log and its affinity columns).
   * @default `item_context.csv` in the log's folder, when it exists
   */
  readonly itemContextFile?: string | null;
}

const REQUIRED_COLUMNS = ['timestamp', 'item_id', 'position', 'click', 'propensity_score'] as const;
const USER_FEATURE = /^user_feature_\d+$/;
const AFFINITY = /^user-item_affinity_(\d+)$/;

const numberCell = z.string().trim().min(1, 'is empty').pipe(z.coerce.number());

function roundRowSchema(slateSize: number) {
  return z.object({
    timestamp: z.string().refine((value) => Number.isFinite(parseTimestamp(value)), 'is not a date'),
    item_id: z.string().trim().regex(/^\d+$/, 'is not an item index'),
    position: numberCell.pipe(z.number().int('is not an integer').min(1).max(slateSize)),
    click: numberCell.pipe(z.number().refine((value) => value === 0 || value === 1, 'must be 0 or 1')),
    propensity_score: numberCell.pipe(z.number().gt(0, 'must be > 0 (a zero propensity cannot be reweighted)').lte(1, 'must be <= 1')),
    userFeatures: z.array(z.string().trim().min(1, 'is empty')),
    affinity: z.array(numberCell),
  });
}

function parseTimestamp(value: string): number {
  // OBD writes "2019-11-24 00:01:03.979311+00:00"; the T form is the one every engine parses.
  return Date.parse(value.trim().replace(' ', 'T'));
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file (ENOENT)',
  EACCES: 'permission denied (EACCES)',
  EISDIR: 'it is a directory (EISDIR)',
};

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const reason = code ? (FILE_ERRORS[code] ?? code) : error instanceof Error ? error.message : String(error);
    throw rgError('RG_ERR_IMPORT_FILE', { file, reason }, { cause: error });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function byItemIndex(a: string, b: string): number {
  return Number(a) - Number(b) || a.localeCompare(b);
}

interface ItemContext {
  readonly items: readonly string[];
  readonly features: readonly ActionFeatures[];
  readonly names: ActionSpace['featureNames'];
}

async function readItemContext(file: string): Promise<ItemContext> {
  const lines = textLines(await readText(file));
  const header = csvCells(file, 1, lines[0] ?? '');
  const idColumn = header.indexOf('item_id');
  if (idColumn < 0) throw rgError('RG_ERR_OPE_LOG', { file, line: 1, reason: 'missing column "item_id"' });
  const featureColumns = header.flatMap((name, column) => (/^item_feature_\d+$/.test(name) ? [column] : []));
  const rows = lines.slice(1).map((line, i) => {
    const cells = csvCells(file, i + 2, line);
    if (cells.length !== header.length) {
      throw rgError('RG_ERR_OPE_LOG', {
        file,
        line: i + 2,
        reason: `${cells.length} fields, the header has ${header.length}`,
      });
    }
    const id = cells[idColumn]!.trim();
    if (!/^\d+$/.test(id)) throw rgError('RG_ERR_OPE_LOG', { file, line: i + 2, reason: `item_id "${id}" is not an item index` });
    return { id, cells };
  });
  // A column is numeric when every value is a finite number (OBD's item_feature_0), else categorical (hashes).
  const numeric = featureColumns.filter((column) => rows.every((row) => row.cells[column]!.trim() !== '' && Number.isFinite(Number(row.cells[column]))));
  const categorical = featureColumns.filter((column) => !numeric.includes(column));
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    if (seen.has(row.id)) throw rgError('RG_ERR_OPE_LOG', { file, line: i + 2, reason: `item_id ${row.id} appears twice` });
    seen.add(row.id);
  }
  const sorted = [...rows].sort((a, b) => byItemIndex(a.id, b.id));
  return {
    items: sorted.map((row) => row.id),
    features: sorted.map((row) => ({
      categories: categorical.map((column) => row.cells[column]!.trim()),
      numbers: numeric.map((column) => Number(row.cells[column])),
    })),
    names: {
      categorical: categorical.map((column) => header[column]!),
      numeric: numeric.map((column) => header[column]!),
    },
  };
}

/** Reads and validates one OBD log file. */
export async function readObdFeedback(file: string, options: ObdReadOptions = {}): Promise<LoggedBanditFeedback> {
  const slateSize = options.slateSize ?? 3;
  const besideLog = path.join(path.dirname(file), 'item_context.csv');
  const itemContextFile = options.itemContextFile === undefined ? ((await exists(besideLog)) ? besideLog : null) : options.itemContextFile;

  const lines = textLines(await readText(file));
  if (lines.length === 0) throw rgError('RG_ERR_OPE_LOG', { file, line: 1, reason: 'the file is empty' });
  const header = csvCells(file, 1, lines[0]!).map((name) => name.trim());
  for (const column of REQUIRED_COLUMNS) {
    if (!header.includes(column)) throw rgError('RG_ERR_OPE_LOG', { file, line: 1, reason: `missing column "${column}"` });
  }
  const column = Object.fromEntries(REQUIRED_COLUMNS.map((name) => [name, header.indexOf(name)])) as Record<(typeof REQUIRED_COLUMNS)[number], number>;
  const userColumns = header.flatMap((name, i) => (USER_FEATURE.test(name) ? [i] : []));
  const affinityColumns = header.flatMap((name, i) => {
    const match = AFFINITY.exec(name);
    return match ? [{ column: i, item: String(Number(match[1])) }] : [];
  });

  const itemContext = itemContextFile === null ? null : await readItemContext(itemContextFile);
  const dataLines = lines.slice(1, options.limit === undefined ? undefined : 1 + options.limit);
  const schema = roundRowSchema(slateSize);
  type Row = z.infer<typeof schema>;
  const rows: Row[] = [];
  for (const [i, line] of dataLines.entries()) {
    const lineNumber = i + 2;
    const cells = csvCells(file, lineNumber, line);
    if (cells.length !== header.length) {
      throw rgError('RG_ERR_OPE_LOG', { file, line: lineNumber, reason: `${cells.length} fields, the header has ${header.length}` });
    }
    const parsed = schema.safeParse({
      timestamp: cells[column.timestamp],
      item_id: cells[column.item_id],
      position: cells[column.position],
      click: cells[column.click],
      propensity_score: cells[column.propensity_score],
      userFeatures: userColumns.map((c) => cells[c]),
      affinity: affinityColumns.map((a) => cells[a.column]),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const [field, index] = issue.path;
      const name =
        field === 'userFeatures' ? header[userColumns[Number(index)]!] : field === 'affinity' ? header[affinityColumns[Number(index)]!.column] : String(field);
      const raw = cells[header.indexOf(name ?? '')] ?? '';
      throw rgError('RG_ERR_OPE_LOG', { file, line: lineNumber, reason: `${name} "${raw}" ${issue.message}` });
    }
    rows.push(parsed.data);
  }
  if (rows.length === 0) throw rgError('RG_ERR_OPE_LOG', { file, line: 2, reason: 'the log has no rounds' });

  const actions =
    itemContext?.items ?? [...new Set([...rows.map((row) => String(Number(row.item_id))), ...affinityColumns.map((a) => a.item)])].sort(byItemIndex);
  const actionIndex = new Map(actions.map((id, i) => [id, i]));
  const affinityTarget = affinityColumns.map((a) => actionIndex.get(a.item) ?? -1);

  const rounds: BanditRound[] = rows.map((row, i) => {
    const item = String(Number(row.item_id));
    const action = actionIndex.get(item);
    if (action === undefined) {
      throw rgError('RG_ERR_OPE_LOG', { file, line: i + 2, reason: `item_id ${item} is not in ${itemContextFile}` });
    }
    let actionAffinity: Float64Array | null = null;
    if (affinityColumns.length > 0) {
      actionAffinity = new Float64Array(actions.length);
      row.affinity.forEach((value, j) => {
        if (affinityTarget[j]! >= 0) actionAffinity![affinityTarget[j]!] = value;
      });
    }
    return {
      timestamp: parseTimestamp(row.timestamp),
      action,
      position: row.position - 1,
      reward: row.click,
      propensity: row.propensity_score,
      context: { categories: row.userFeatures, actionAffinity },
    };
  });

  return {
    source: `obd:${file}`,
    space: {
      actions,
      positions: slateSize,
      actionFeatures: itemContext?.features ?? null,
      featureNames: itemContext?.names ?? { categorical: [], numeric: [] },
    },
    contextNames: { categorical: userColumns.map((c) => header[c]!) },
    rounds,
  };
}

/** The `obd:<file.csv>` log source. */
export function obdFeedbackSource(file: string, defaults: ObdReadOptions = {}): BanditFeedbackSource {
  return {
    spec: `obd:${file}`,
    load: (options) => readObdFeedback(file, { ...defaults, ...options }),
  };
}
