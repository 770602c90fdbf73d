import { twoTowerStrategy } from '../../src/strategies/builtin/two-tower/index.js';
import { runStrategyConformance } from '../../src/testing/index.js';

// Small dims and one epoch: the suite checks behaviour (determinism, leaks, round trip,
// slates), not quality, so it trains the smallest model that exercises every path.
// Adaptation is off by default; it is switched on so that the adapt checks see real state.
runStrategyConformance(twoTowerStrategy, {
  params: { epochs: 1, dim: 16, hiddenUnits: 32, batchSize: 256, textHashBuckets: 2048, maxTextTokens: 24, adaptSteps: 5 },
});
