import { z } from 'zod';
import { CONFIDENCE_SCALINGS } from './confidence.js';

/**
 * Params of implicit ALS. Defaults were picked on MovieTweetings 100k and Online Retail with
 * `npx tsx bench/cf.ts` (see docs/strategies/cf.md for the sweep and its numbers).
 */
export const alsParams = z
  .object({
    /** Latent dimensions per user and item. Training cost grows with its square. @default 32 */
    factors: z.number().int().min(1).max(512).default(32),
    /** Alternating sweeps (users, then items). @default 15 */
    iterations: z.number().int().min(1).max(200).default(15),
    /** L2 penalty on every factor vector (lambda in Hu et al.). Must be > 0: it keeps fold-in solvable. @default 0.1 */
    regularization: z.number().positive().max(1e6).default(0.1),
    /** Confidence slope: a cell of net weight w counts with confidence 1 + alpha * g(|w|). @default 10 */
    alpha: z.number().positive().max(1e6).default(10),
    /** g above: `log` is ln(1 + |w|) (Hu et al.'s log variant), `linear` is |w|. @default 'log' */
    confidence: z.enum(CONFIDENCE_SCALINGS).default('log'),
    /** Conjugate-gradient steps per user/item and sweep (3 is the `implicit` default). @default 3 */
    cgSteps: z.number().int().min(1).max(64).default(3),
  })
  .strict();

export type AlsParams = z.output<typeof alsParams>;
