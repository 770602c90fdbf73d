/**
 * Sends simulated traffic to a running gateway for the experiments walkthrough (README):
 * each simulated user asks for a slate on a surface a few times and, with a fixed
 * probability, clicks (and sometimes buys) the top item, reporting it against the slate's
 * impression. The simulated users treat every variant alike, so expect no real difference.
 *
 *   npx tsx scripts/experiment-traffic.ts --key $RECGATE_KEY [--endpoint http://127.0.0.1:4000/graphql]
 *     [--surface home] [--users 300] [--requests 3] [--click 0.15] [--buy 0.02] [--seed 1]
 */
import { createRandom } from '../src/ml/random.js';

const arg = (name: string, fallback?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
};
const endpoint = arg('endpoint', 'http://127.0.0.1:4000/graphql');
const key = arg('key', process.env.RECGATE_KEY);
const surface = arg('surface', 'home');
const users = Number(arg('users', '300'));
const requests = Number(arg('requests', '3'));
const click = Number(arg('click', '0.15'));
const buy = Number(arg('buy', '0.02'));
const random = createRandom(Number(arg('seed', '1')));

async function gql(query: string, variables: Record<string, unknown>): Promise<any> {
  const r = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await r.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

const SLATE =
  'query($u: ID!, $s: String!) { recommendations(userId: $u, surface: $s, limit: 5) { impressionId experiment { key variant } items { item { id } } } }';
const FEEDBACK = 'mutation($input: FeedbackInput!) { recordFeedback(input: $input) { id } }';
const byVariant = new Map<string, number>();
let slates = 0;
let clicks = 0;
for (let u = 0; u < users; u++) {
  const userId = `walkthrough-${u}`;
  for (let r = 0; r < requests; r++) {
    const slate = (await gql(SLATE, { u: userId, s: surface })).recommendations;
    slates++;
    const variant = slate.experiment ? `${slate.experiment.key}/${slate.experiment.variant}` : '(no experiment)';
    if (r === 0) byVariant.set(variant, (byVariant.get(variant) ?? 0) + 1);
    const top = slate.items[0]?.item.id;
    if (!top || random.next() >= click) continue;
    clicks++;
    await gql(FEEDBACK, { input: { userId, itemId: top, type: 'CLICK', impressionId: slate.impressionId, idempotencyKey: `${slate.impressionId}-click` } });
    if (random.next() < buy / click) {
      await gql(FEEDBACK, { input: { userId, itemId: top, type: 'PURCHASE', impressionId: slate.impressionId, idempotencyKey: `${slate.impressionId}-buy` } });
    }
  }
}
process.stdout.write(`${slates} slates, ${clicks} clicks; users per variant: ${[...byVariant].map(([v, n]) => `${v} ${n}`).join(', ')}\n`);
