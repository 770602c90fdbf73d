/**
 * `recgate/testing`: what plugin authors test their strategies with.
 *
 *   import { runStrategyConformance } from 'recgate/testing';
 *   runStrategyConformance(myStrategy, { params: { ... } });
 */
export { runStrategyConformance, type ConformanceOptions } from './conformance.js';
export { loadMovieTweetingsFixture, type MovieTweetingsFixture, type MovieTweetingsFixtureOptions } from './fixture.js';
export { createInMemoryTrainContext, type InMemoryTrainContext, type InMemoryTrainContextOptions } from './train-context.js';
export { slateViolations } from './slate-violations.js';
export { describeArtifactDifference } from './artifact-difference.js';
