/**
 * The metrics an experiment can be judged by, all computed per variant with the user as the
 * unit of analysis (src/experiments/metrics-query.ts). Ratio metrics divide two per-user sums
 * (their variance comes from the delta method); mean metrics average one per-user value.
 * Every metric here is "higher is better"; a guardrail is flagged when it gets worse.
 */
export const METRIC_NAMES = ['ctr', 'reward_per_impression', 'clicks_per_user', 'reward_per_user', 'conversions_per_user', 'impressions_per_user'] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** Per-user quantities the metrics are made of. */
export type UserQuantity = 'impressions' | 'clicks' | 'reward' | 'conversions';

export type MetricDefinition =
  | { readonly kind: 'ratio'; readonly numerator: UserQuantity; readonly denominator: UserQuantity; readonly description: string }
  | { readonly kind: 'mean'; readonly value: UserQuantity; readonly description: string };

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = {
  ctr: { kind: 'ratio', numerator: 'clicks', denominator: 'impressions', description: 'clicks per impression' },
  reward_per_impression: { kind: 'ratio', numerator: 'reward', denominator: 'impressions', description: 'reward (RECGATE_REWARD_WEIGHTS) per impression' },
  clicks_per_user: { kind: 'mean', value: 'clicks', description: 'clicks per exposed user' },
  reward_per_user: { kind: 'mean', value: 'reward', description: 'reward per exposed user' },
  conversions_per_user: { kind: 'mean', value: 'conversions', description: 'feedback of the conversion type per exposed user' },
  impressions_per_user: { kind: 'mean', value: 'impressions', description: 'slates served per exposed user' },
};
