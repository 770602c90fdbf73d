/** The meta-policy: which strategy serves each request, and what it learns from feedback. */
export * from './arm-distribution.js';
export * from './circuit-breaker.js';
export * from './context-features.js';
export * from './feature-encoding.js';
export * from './in-process-statistics.js';
export * from './lin-ucb.js';
export * from './meta-policy.js';
export * from './meta-policy-runtime.js';
export * from '../config/meta-policy-config.js';
export * from './policy-decision.js';
export * from './policy-snapshots.js';
export * from './redis-statistics.js';
export * from './reward-attribution.js';
export * from './statistics-store.js';
export * from './sufficient-statistics.js';
export * from './policy-segments.js';
