import { metaRlStrategy } from '../../src/strategies/builtin/meta-rl/index.js';
import { runStrategyConformance } from '../../src/testing/index.js';

// The smallest model that exercises every path (item tower, encoder, heads, adapt): the suite
// checks behaviour (determinism, leaks, round trip, slates), not quality.
runStrategyConformance(metaRlStrategy, {
  params: { dim: 8, towerEpochs: 1, towerHiddenUnits: 16, textHashBuckets: 1024, stateUnits: 8, epochs: 1, negatives: 32 },
});
