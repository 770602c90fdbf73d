import type { OffPolicyReport } from './evaluate.js';
import { ESTIMATOR_NAMES, ESTIMATORS } from './estimators.js';

const value = (x: number): string => (Number.isFinite(x) ? x.toPrecision(4) : String(x));
const count = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The report as the `ope` command prints it: a header, one line per estimator, the notes. */
export function formatOffPolicyReport(report: OffPolicyReport): string {
  const { log, target, weights, options } = report;
  const percent = `${Math.round(options.confidence * 1000) / 10}% CI`;
  const lines = [
    `target  ${target.spec}: ${target.description}`,
    `log     ${log.source}: ${count(report.logSize)} rounds, ${log.actions} actions, ${log.positions} positions, logging policy's mean reward ${value(log.observed.value)}`,
  ];
  for (const left of log.leftOut) lines.push(`        left out ${count(left.count)}: ${left.reason}`);
  for (const note of log.notes) lines.push(`        note: ${note}`);
  if (target.observed) {
    lines.push(`truth   observed value of the target in its own log: ${value(target.observed.value)} (${count(target.observed.rounds)} rounds)`);
  }
  lines.push(
    `weights mean ${weights.mean.toFixed(3)}, max ${weights.max.toFixed(1)}, effective sample size ${count(weights.effectiveSampleSize)}`,
    `options reward model ${options.rewardModel} (${options.rewardModelReason}; ${options.folds}-fold cross-fitting), clip ${options.clip}, switch threshold ${options.switchThreshold}, DR-os shrinkage ${options.shrinkage}, ${options.bootstrap} bootstrap resamples, seed ${options.seed}`,
    '',
  );
  const header = ['estimator', 'estimate', percent, 'std. error', ...(target.observed ? ['rel. error'] : []), 'per position'];
  const rows = ESTIMATOR_NAMES.map((name) => {
    const result = report.estimators[name];
    return [
      `${name}`,
      value(result.estimate),
      `[${value(result.ci[0])}, ${value(result.ci[1])}]`,
      value(result.standardError),
      ...(target.observed ? [result.relativeError === null ? '-' : result.relativeError.toFixed(3)] : []),
      result.byPosition.map(value).join(' / '),
    ];
  });
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c]!.length)));
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  lines.push(render(header), ...rows.map(render), '');
  lines.push(`estimators: ${ESTIMATOR_NAMES.map((name) => `${name} = ${ESTIMATORS[name].label}`).join('; ')}`);
  for (const note of target.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
