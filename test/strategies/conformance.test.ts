import { alsStrategy } from '../../src/strategies/builtin/cf/index.js';
import { itemItemStrategy } from '../../src/strategies/builtin/item-item/index.js';
import { popularityStrategy } from '../../src/strategies/builtin/popularity.js';
import { runStrategyConformance } from '../../src/testing/index.js';

// No fixture option: the suite's default, the MovieTweetings copy recgate ships, is what plugins get too.
const fixture = {};

// Small factors keep the suite to seconds; the checks do not depend on model quality.
runStrategyConformance(alsStrategy, { fixture, params: { factors: 16, iterations: 5 } });
runStrategyConformance(popularityStrategy, { fixture });
runStrategyConformance(itemItemStrategy, { fixture });
// The slice has a few hundred items, so auto picks EASE; the kNN path is checked on it too.
runStrategyConformance(itemItemStrategy, { fixture, params: { method: 'knn' } });
