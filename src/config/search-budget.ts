/**
 * Model-search budgets as people write them: `90s`, `10m`, `1h` (or plain seconds). Used by
 * `recgate train --budget` and `RECGATE_TRAIN_SEARCH`.
 */
import { rgError } from '../errors.js';

/** What `--search` without `--budget`, and `RECGATE_TRAIN_SEARCH=on`, allow. */
export const DEFAULT_SEARCH_BUDGET_SECONDS = 600;
/** A week: longer is certainly a typo. */
export const MAX_SEARCH_BUDGET_SECONDS = 7 * 24 * 3600;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** Seconds of a budget like `10m`; `RG_ERR_INVALID_INPUT` at `where` otherwise. */
export function parseSearchBudget(raw: string, where: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS] : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_SEARCH_BUDGET_SECONDS)) {
    throw rgError('RG_ERR_INVALID_INPUT', {
      path: where,
      reason: `"${raw}" is not a search budget: write a duration from 1s to 168h, like 90s, 10m or 1h`,
    });
  }
  return Math.round(seconds);
}

/** `RECGATE_TRAIN_SEARCH`: off (default, also empty/false/0), on/true/1 (10 minutes), or a budget. */
export function parseTrainSearchSetting(raw: string): number | null {
  const value = raw.trim().toLowerCase();
  if (['', 'off', 'false', '0', 'no'].includes(value)) return null;
  if (['on', 'true', '1', 'yes'].includes(value)) return DEFAULT_SEARCH_BUDGET_SECONDS;
  return parseSearchBudget(value, 'RECGATE_TRAIN_SEARCH');
}
