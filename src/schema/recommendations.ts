/** The `recommendations` query: a slate for one user. */
import type { Slate, SlateAdaptation, SlateItem } from '../serving/recommend-service.js';
import type { ExperimentExposure } from '../serving/serving-policy.js';
import { MAX_LIMIT, MAX_SESSION_ITEMS, MAX_SIMILAR_ITEMS, recommendationsInput, similarItemsInput } from '../serving/input-schemas.js';
import { parseInput } from '../serving/validation.js';
import { builder } from './builder.js';
import { ItemRef } from './items.js';
import { scope } from '../auth/scopes.js';

const SlateItemRef = builder.objectRef<SlateItem>('SlateItem').implement({
  fields: (t) => ({
    item: t.field({ type: ItemRef, resolve: (s) => s.item }),
    score: t.exposeFloat('score', { description: "The strategy's score; comparable within one slate only." }),
    position: t.exposeInt('position', { description: '1-based position in the slate.' }),
    explanation: t.exposeString('explanation', { description: 'Why this item, in words a user may see.' }),
  }),
});

const SlateAdaptationRef = builder.objectRef<SlateAdaptation>('SlateAdaptation').implement({
  description:
    "The serving strategy's adaptation to this user, made by an adapt job after the user's feedback. Feedback newer than historyThrough is already in the slate through the user's history; the adaptation catches up with it within a debounce window.",
  fields: (t) => ({
    adaptedAt: t.expose('adaptedAt', { type: 'DateTime' }),
    historyThrough: t.expose('historyThrough', { type: 'DateTime', nullable: true, description: 'The newest interaction the adaptation saw.' }),
    interactions: t.exposeInt('interactions', { description: "How many of the user's interactions it saw." }),
  }),
});

const SlateExperimentRef = builder.objectRef<ExperimentExposure>('SlateExperiment').implement({
  description: 'The experiment variant this slate was served under.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The experiment.' }),
    variant: t.exposeString('variant'),
  }),
});

const SlateRef = builder.objectRef<Slate>('Slate').implement({
  description: 'What was served: log feedback against its impressionId.',
  fields: (t) => ({
    impressionId: t.exposeID('impressionId'),
    userId: t.exposeID('userId'),
    surface: t.exposeString('surface'),
    strategy: t.exposeString('strategy', { description: 'The strategy that produced the slate.' }),
    modelVersion: t.exposeString('modelVersion', { nullable: true }),
    propensity: t.exposeFloat('propensity', { description: 'Probability with which the serving policy chose this strategy.' }),
    items: t.field({ type: [SlateItemRef], resolve: (s) => [...s.items] }),
    adaptation: t.field({
      type: SlateAdaptationRef,
      nullable: true,
      description: 'Null when the serving strategy does not adapt per user, or has not adapted to this user with the model version served.',
      resolve: (s) => s.adaptation,
    }),
    experiment: t.field({
      type: SlateExperimentRef,
      nullable: true,
      description: 'The running experiment and variant the user was assigned to on this surface; null outside experiments.',
      resolve: (s) => s.experiment,
    }),
  }),
});

const RecommendationFilter = builder.inputType('RecommendationFilter', {
  fields: (t) => ({
    categories: t.stringList({ required: false, description: 'Only items in at least one of these categories.' }),
  }),
});

builder.queryField('recommendations', (t) =>
  t.field({
    ...scope('client'),
    type: SlateRef,
    description: 'A slate of items for a user. Unknown users get a slate too (they are new users). Scope: client.',
    args: {
      userId: t.arg.id({ required: true }),
      limit: t.arg.int({ defaultValue: 10, description: `1 to ${MAX_LIMIT}.` }),
      surface: t.arg.string({ defaultValue: 'default', description: 'Where the slate is shown (home, item-page, email, ...).' }),
      exclude: t.arg.idList({ required: false, description: 'Item ids never to return.' }),
      includeSeen: t.arg.boolean({ defaultValue: false, description: 'Also return items the user already interacted with.' }),
      filter: t.arg({ type: RecommendationFilter, required: false }),
      context: t.arg({ type: 'JSON', required: false, description: 'Request context (device, page, ...), logged with the impression.' }),
      sessionItems: t.arg.idList({
        required: false,
        description: `Items seen in the current session, oldest first (at most ${MAX_SESSION_ITEMS}): strategies read them as the user's most recent clicks, so an anonymous visitor gets a personal slate after one click.`,
      }),
    },
    // Pothos checks the types; zod the sizes and ranges, once, here at the edge.
    resolve: (_root, args, ctx) =>
      ctx.services.recommend.recommend(
        parseInput(recommendationsInput, {
          userId: args.userId,
          limit: args.limit ?? undefined,
          surface: args.surface ?? undefined,
          exclude: args.exclude?.map(String) ?? undefined,
          includeSeen: args.includeSeen ?? undefined,
          filter: args.filter ? { categories: args.filter.categories ?? undefined } : undefined,
          context: args.context ?? undefined,
          sessionItems: args.sessionItems?.map(String) ?? undefined,
        }),
      ),
  }),
);

builder.queryField('similarItems', (t) =>
  t.field({
    ...scope('client'),
    type: SlateRef,
    description:
      'Items similar to the given ones ("more like this" on an item page, "often bought with" in a cart), served and logged like any slate: send feedback against its impressionId with its userId. The serving policy chooses among strategies that can answer (item-item, als, two-tower). Scope: client.',
    args: {
      itemIds: t.arg.idList({ required: true, description: `1 to ${MAX_SIMILAR_ITEMS} catalogue item ids; never returned themselves.` }),
      userId: t.arg.id({ required: false, description: 'The visitor, if known; without it the slate gets an anonymous user id of its own.' }),
      limit: t.arg.int({ defaultValue: 10, description: `1 to ${MAX_LIMIT}.` }),
      filter: t.arg({ type: RecommendationFilter, required: false }),
      surface: t.arg.string({ defaultValue: 'similar', description: 'Where the slate is shown (item-page, cart, ...).' }),
      exclude: t.arg.idList({ required: false, description: 'Item ids never to return.' }),
      context: t.arg({ type: 'JSON', required: false, description: 'Request context (device, page, ...), logged with the impression.' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.recommend.similarItems(
        parseInput(similarItemsInput, {
          itemIds: args.itemIds.map(String),
          userId: args.userId ?? undefined,
          limit: args.limit ?? undefined,
          surface: args.surface ?? undefined,
          exclude: args.exclude?.map(String) ?? undefined,
          filter: args.filter ? { categories: args.filter.categories ?? undefined } : undefined,
          context: args.context ?? undefined,
        }),
      ),
  }),
);
