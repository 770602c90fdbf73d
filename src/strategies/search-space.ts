/**
 * A strategy's search space (`StrategyDefinition.searchSpace`): validated once at registration,
 * so a plugin with a malformed space fails at start-up rather than in the middle of a training
 * job, and sampled with a seeded generator, so the same seed draws the same configurations.
 */
import { z } from 'zod';
import { rgError } from '../errors.js';
import type { Random } from '../ml/random.js';
import type { SearchDimension, SearchSpace, StrategyDefinition } from './contract.js';

const range = <K extends 'int' | 'float'>(kind: K) =>
  z
    .object({ kind: z.literal(kind), min: z.number().finite(), max: z.number().finite(), log: z.boolean().optional() })
    .strict()
    .refine((d) => d.min < d.max, 'min must be below max')
    .refine((d) => !d.log || d.min > 0, 'a log range needs min > 0')
    .refine((d) => kind === 'float' || (Number.isInteger(d.min) && Number.isInteger(d.max)), 'an int range needs integer bounds');

const dimensionSchema = z.union([
  range('int'),
  range('float'),
  z
    .object({
      kind: z.literal('choice'),
      values: z
        .array(z.union([z.number().finite(), z.string(), z.boolean()]))
        .min(1)
        .max(100),
    })
    .strict(),
]);

const spaceSchema = z.record(z.string().min(1), dimensionSchema).refine((s) => Object.keys(s).length > 0, 'it names no param');

/** The dimension's extreme values (each must be an acceptable param value). */
function corners(d: SearchDimension): readonly (number | string | boolean)[] {
  return d.kind === 'choice' ? d.values : [d.min, d.max];
}

/**
 * Throws `RG_ERR_SEARCH_SPACE` unless the space is well-formed and every value it can produce
 * (each range's bounds, each choice) is accepted by the strategy's params schema.
 */
export function validateSearchSpace(definition: Pick<StrategyDefinition, 'name' | 'params' | 'searchSpace'>): void {
  const space = definition.searchSpace;
  if (space === undefined) return;
  const parsed = spaceSchema.safeParse(space);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw rgError('RG_ERR_SEARCH_SPACE', { name: definition.name, reason: `${issue.path.join('.') || 'space'}: ${issue.message}` });
  }
  for (const [param, dimension] of Object.entries(space)) {
    for (const value of corners(dimension)) {
      const result = definition.params.safeParse({ [param]: value });
      if (!result.success) {
        const issue = result.error.issues[0];
        throw rgError('RG_ERR_SEARCH_SPACE', {
          name: definition.name,
          reason: `${param} = ${JSON.stringify(value)} is not a valid param (${issue?.path.join('.') || param}: ${issue?.message ?? 'invalid'})`,
        });
      }
    }
  }
}

/** One value of `d`, uniform (or log-uniform) over its range. */
function sampleDimension(d: SearchDimension, random: Random): number | string | boolean {
  if (d.kind === 'choice') return d.values[random.int(d.values.length)]!;
  const u = random.next();
  const value = d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min);
  if (d.kind === 'int') return Math.min(d.max, Math.max(d.min, Math.round(value)));
  // Four significant digits: readable in trial listings, and fine enough for any optimiser.
  return Number(value.toPrecision(4));
}

/** One configuration: a value per param of the space, drawn in the space's key order. */
export function sampleConfiguration(space: SearchSpace, random: Random): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [param, dimension] of Object.entries(space)) out[param] = sampleDimension(dimension, random);
  return out;
}

/** `RG_ERR_SEARCH_SPACE` unless the strategy declares a search space; returns it. */
export function searchSpaceOf(definition: Pick<StrategyDefinition, 'name' | 'searchSpace'>): SearchSpace {
  if (!definition.searchSpace) {
    throw rgError('RG_ERR_SEARCH_SPACE', { name: definition.name, reason: 'the strategy declares no search space, so it cannot be searched' });
  }
  return definition.searchSpace;
}
