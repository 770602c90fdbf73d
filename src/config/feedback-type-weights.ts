/**
 * One parser for the `<type>=<number>,…` lists the configuration takes per feedback type
 * (RECGATE_SIGNAL_WEIGHTS, RECGATE_REWARD_WEIGHTS): entries override `base`, the rest keep
 * their defaults.
 */
import { rgError } from '../errors.js';
import type { FeedbackType } from '../interactions/feedback-type.js';

export function parseFeedbackTypeWeights(variable: string, spec: string, base: Readonly<Record<FeedbackType, number>>): Record<FeedbackType, number> {
  const weights: Record<FeedbackType, number> = { ...base };
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [type, raw] = part.split('=').map((s) => s.trim());
    const value = Number(raw);
    if (!type || !(type in weights) || raw === undefined || raw === '' || !Number.isFinite(value)) {
      throw rgError('RG_ERR_CONFIG', {
        reason: `${variable} entry "${part}" must be <type>=<number> with type one of ${Object.keys(weights).join(', ')}`,
      });
    }
    weights[type as FeedbackType] = value;
  }
  return weights;
}
