// The plugin passes the same conformance suite as every built-in strategy.
import { runStrategyConformance } from 'recgate/testing';
import { categoryAffinityStrategy } from '../src/category-affinity.js';

runStrategyConformance(categoryAffinityStrategy, { badParams: { prior: -1 } });
