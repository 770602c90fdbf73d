import { resolve } from 'node:path';
import { alsStrategy } from '../../src/strategies/builtin/cf/index.js';
import { popularityStrategy } from '../../src/strategies/builtin/popularity.js';
import { runStrategyConformance } from '../../src/testing/index.js';

// The shared datasets beside the clone (CI layout); the suite's own default is the shipped copy.
const fixture = { directory: resolve(import.meta.dirname, '../../../shared/datasets/movietweetings-100k') };

// Small factors keep the suite to seconds; the checks do not depend on model quality.
runStrategyConformance(alsStrategy, { fixture, params: { factors: 16, iterations: 5 } });
runStrategyConformance(popularityStrategy, { fixture });
