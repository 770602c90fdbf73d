/** The last step shared by the protocols: train array, clock, stats, and the no-data check. */
import { rgError } from '../../errors.js';
import type { InteractionRecord } from '../../strategies/contract.js';
import type { EvaluationCase, EvaluationSplit } from './evaluation-split.js';
import type { EvalProtocol } from './protocols.js';
import type { ResolvedSplitOptions } from './split-options.js';
import { oldestFirst, type Timelines } from './user-timelines.js';

export interface SplitParts {
  readonly protocol: EvalProtocol;
  readonly options: ResolvedSplitOptions;
  readonly inputInteractions: number;
  readonly timelines: Timelines;
  readonly eligibleUsers: number;
  readonly skippedUsers: number;
  readonly cases: readonly EvaluationCase[];
}

export function assembleSplit(parts: SplitParts): EvaluationSplit {
  const { protocol, options, timelines, cases } = parts;
  if (cases.length === 0) {
    const reason =
      timelines.users.length === 0
        ? `no positive interaction (weight > 0) with an active catalogue item among ${parts.inputInteractions} interaction(s)`
        : parts.eligibleUsers === 0
          ? `none of ${timelines.users.length} user(s) has at least ${options.minInteractions} distinct positively-interacted items (--min-interactions)`
          : `none of ${parts.eligibleUsers} eligible user(s) has an interaction before their last one`;
    throw rgError('RG_ERR_EVAL_NO_DATA', { reason });
  }
  const train: InteractionRecord[] = [];
  let testItems = 0;
  for (const c of cases) {
    for (const r of c.history) train.push(r);
    testItems += c.relevant.size;
  }
  oldestFirst(train);
  const now = train.length > 0 ? train[train.length - 1]!.occurredAt : 0;
  return {
    protocol,
    seed: options.seed,
    minInteractions: options.minInteractions,
    train,
    cases,
    now,
    stats: {
      interactions: parts.inputInteractions,
      interactionsOnActiveItems: timelines.interactionsOnActiveItems,
      activeItems: timelines.activeItems,
      users: timelines.users.length,
      eligibleUsers: parts.eligibleUsers,
      skippedUsers: parts.skippedUsers,
      testUsers: cases.length,
      trainInteractions: train.length,
      testItems,
    },
  };
}
