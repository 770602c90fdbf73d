/** Experiments as the CLI prints them: aligned tables a product owner can read. */
import type { ExperimentRecord } from './experiment-record.js';
import type { PhaseResults } from './experiment-results.js';
import type { ExperimentPreview } from './preview.js';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)].join('\n');
}

const num = (x: number | null | undefined, digits = 4): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const pct = (x: number, digits = 1): string => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '-');
const signedPct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '-');
const interval = (i: readonly [number, number], f: (x: number) => string): string =>
  Number.isFinite(i[0]) && Number.isFinite(i[1]) ? `[${f(i[0])}, ${f(i[1])}]` : '-';
const pValue = (p: number): string => (!Number.isFinite(p) ? '-' : p < 0.0001 ? '<0.0001' : p.toFixed(4));

export function formatExperimentList(experiments: readonly ExperimentRecord[]): string {
  if (experiments.length === 0) return 'No experiments. Create one with: npx recgate experiments create --file spec.json\n';
  const rows = experiments.map((e) => [
    e.spec.key,
    e.status + (e.archivedAt ? ' (archived)' : ''),
    e.spec.surfaces.join(','),
    e.spec.variants.map((v) => `${v.key}${v.key === e.spec.control ? '*' : ''}=${v.weight}`).join(' '),
    e.spec.namespace ? `${e.spec.namespace.name}[${e.spec.namespace.range[0]},${e.spec.namespace.range[1]})` : '-',
    String(e.phase),
    e.startedAt?.toISOString() ?? '-',
  ]);
  return `${table(['key', 'status', 'surfaces', 'variants (*control)', 'namespace', 'phase', 'started'], rows)}\n`;
}

export function formatExperiment(e: ExperimentRecord): string {
  const s = e.spec;
  const lines = [
    `${s.key}: ${s.name} [${e.status}${e.archivedAt ? ', archived' : ''}, phase ${e.phase}]`,
    `hypothesis   ${s.hypothesis || '-'}`,
    `surfaces     ${s.surfaces.join(', ')}   coverage ${s.coverage}   seed ${s.seed ?? s.key}${s.namespace ? `   namespace ${s.namespace.name} [${s.namespace.range[0]}, ${s.namespace.range[1]})` : ''}`,
    `metrics      primary ${s.primaryMetric}; guardrails ${s.guardrailMetrics.join(', ') || '-'}; conversions = ${s.conversionType}`,
    `started      ${e.startedAt?.toISOString() ?? '-'}   phase since ${e.phaseStartedAt?.toISOString() ?? '-'}   stopped ${e.stoppedAt?.toISOString() ?? '-'}`,
    '',
    table(
      ['variant', 'weight', 'serves'],
      s.variants.map((v) => [v.key + (v.key === s.control ? ' (control)' : ''), String(v.weight), JSON.stringify(v.serving)]),
    ),
  ];
  const forced = Object.keys(s.forcedVariants).length;
  if (forced > 0) lines.push('', `forced users ${forced}`);
  return `${lines.join('\n')}\n`;
}

export function formatResults(r: PhaseResults): string {
  const lines = [
    `${r.experiment}, phase ${r.phase} (since ${r.phaseStartedAt?.toISOString() ?? '-'}), computed ${r.computedAt.toISOString()}, alpha ${r.alpha}`,
    '',
    table(
      ['variant', 'weight', 'users', 'impressions', 'clicks', 'reward', 'conversions'],
      r.totals.map((t) => [
        t.variant + (t.isControl ? ' (control)' : ''),
        String(t.weight),
        String(t.users),
        String(t.impressions),
        String(t.clicks),
        num(t.reward, 1),
        String(t.conversions),
      ]),
    ),
    '',
    `sample ratio check: chi-square ${num(r.srm.chiSquare, 2)}, p = ${pValue(r.srm.pValue)}${r.srm.flagged ? '  ** SAMPLE RATIO MISMATCH: the split is broken, do not trust these results **' : ' (ok)'}`,
  ];
  for (const m of r.metrics) {
    lines.push(
      '',
      `${m.metric} (${m.role}${m.cuped ? ', CUPED' : ''})${m.violations.length > 0 ? `  ** GUARDRAIL VIOLATED by ${m.violations.join(', ')} **` : ''}`,
    );
    const rows = m.variants.map((v) => {
      const c = v.comparison;
      if (!c) return [v.variant, num(v.value), '-', '-', '-', '-', '-'];
      return [
        v.variant,
        num(v.value),
        `${signedPct(c.lift)} ${interval(c.liftInterval, signedPct)}`,
        `${pValue(c.adjustedPValue)}${c.significant ? ' *' : ''}`,
        `${interval(c.sequential.liftInterval, signedPct)}${c.sequential.significant ? ' *' : ''}`,
        pct(c.bayesian.chanceToBeatControl),
        num(c.difference),
      ];
    });
    lines.push(table(['variant', 'value', 'lift [95% CI]', 'p (Holm)', 'always-valid lift CI', 'chance to win', 'difference'], rows));
  }
  lines.push(
    '',
    '* significant at alpha. Look as often as you like at the always-valid interval; the fixed-horizon p-value assumes one look at a planned sample size.',
  );
  return `${lines.join('\n')}\n`;
}

export function formatPreview(p: ExperimentPreview): string {
  const rows = p.variants.flatMap((v) =>
    v.supported
      ? v.estimates.map((e, i) => [
          i === 0 ? v.variant : '',
          e.estimator,
          num(e.estimate),
          interval(e.interval, (x) => num(x)),
          i === 0 ? num(v.effectiveSampleSize, 0) : '',
        ])
      : [[v.variant, 'unsupported', '-', '-', v.reason ?? '']],
  );
  const notes = p.variants.flatMap((v) => v.notes.map((n) => `note (${v.variant}): ${n}`));
  return `${[
    `estimated from ${p.rounds} logged slates; the logging policy's reward per impression: ${num(p.loggedReward)}`,
    '',
    table(['variant', 'estimator', 'reward/impression', '95% CI', 'effective n'], rows),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n')}\n`;
}
