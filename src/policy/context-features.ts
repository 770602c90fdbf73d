/**
 * The context a meta-policy decision is made in: a few categorical features computed per
 * request from what serving already knows. Values are short strings, so the same map is
 * logged with the impression (`Impression.features`) and re-encoded when its reward arrives.
 * The feature names are declared with the configuration (src/config/meta-policy-config.ts).
 */

/** Feature name -> categorical value. */
export type ContextFeatures = Readonly<Record<string, string>>;

export interface DecisionContext {
  /** How many interactions the user has (0 for a new user). */
  readonly interactionCount: number;
  /** Time of the user's newest interaction, ms epoch; null if none. */
  readonly lastInteractionAt: number | null;
  readonly known: boolean;
  readonly surface: string;
  readonly context: Readonly<Record<string, unknown>>;
  /** Request time, ms epoch. */
  readonly now: number;
}

/** Interaction-count buckets: cold, warming up, established, heavy. */
export function interactionBucket(count: number): string {
  if (count <= 0) return '0';
  if (count < 5) return '1-4';
  if (count < 20) return '5-19';
  if (count < 100) return '20-99';
  return '100+';
}

const HOUR_MS = 3_600_000;

export function recencyBucket(last: number | null, now: number): string {
  if (last === null) return 'never';
  const age = now - last;
  if (age < HOUR_MS) return '<1h';
  if (age < 24 * HOUR_MS) return '<1d';
  if (age < 7 * 24 * HOUR_MS) return '<7d';
  if (age < 30 * 24 * HOUR_MS) return '<30d';
  return 'older';
}

/** Context values are categorical; long or structured ones are cut so a log stays small. */
function contextValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return text.slice(0, 64);
}

/** Computes the declared features for one request. */
export function computeContextFeatures(declared: readonly string[], input: DecisionContext): ContextFeatures {
  const out: Record<string, string> = {};
  for (const name of declared) {
    switch (name) {
      case 'interactions':
        out[name] = interactionBucket(input.interactionCount);
        break;
      case 'recency':
        out[name] = recencyBucket(input.lastInteractionAt, input.now);
        break;
      case 'new-user':
        out[name] = String(!input.known || input.interactionCount === 0);
        break;
      case 'surface':
        out[name] = input.surface;
        break;
      case 'hour': {
        // Four-hour blocks (UTC): enough for day parts, few enough coefficients to learn.
        const from = Math.floor(new Date(input.now).getUTCHours() / 4) * 4;
        out[name] = `${from}-${from + 3}`;
        break;
      }
      default:
        if (name.startsWith('context.')) out[name] = contextValue(input.context[name.slice('context.'.length)]);
    }
  }
  return Object.freeze(out);
}
