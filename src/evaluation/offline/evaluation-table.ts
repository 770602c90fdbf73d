/** The results of one evaluation as a markdown table (the CLI prints it, the bench and docs reuse it). */
import type { OfflineEvaluation } from './evaluate-strategies.js';

const fixed = (value: number, digits: number): string => value.toFixed(digits);

export function formatEvaluationTable(evaluation: OfflineEvaluation): string {
  const k = evaluation.k;
  const header = ['strategy', `P@${k}`, `R@${k}`, `nDCG@${k}`, `MAP@${k}`, `HR@${k}`, 'coverage', 'mean pop.', 'train s', 'p50 ms', 'p99 ms'];
  const rows = evaluation.strategies.map((s) => [
    s.strategy,
    fixed(s.metrics.precisionAtK, 4),
    fixed(s.metrics.recallAtK, 4),
    fixed(s.metrics.ndcgAtK, 4),
    fixed(s.metrics.mapAtK, 4),
    fixed(s.metrics.hitRateAtK, 4),
    fixed(s.metrics.coverage, 4),
    fixed(s.metrics.meanPopularity, 1),
    fixed(s.trainSeconds, 2),
    fixed(s.latency.p50Ms, 3),
    fixed(s.latency.p99Ms, 3),
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** One line on the split: how many users and interactions the numbers rest on. */
export function describeSplit(evaluation: OfflineEvaluation): string {
  const s = evaluation.split;
  return (
    `protocol ${evaluation.protocol}, seed ${evaluation.seed}, k ${evaluation.k}, min ${evaluation.minInteractions} items/user: ` +
    `${s.testUsers} test users (of ${s.users} with a positive interaction; ${s.skippedUsers} skipped), ` +
    `${s.trainInteractions} train interactions, ${s.testItems} test items, ${s.activeItems} active items`
  );
}
