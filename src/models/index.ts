export * from './model-version.js';
export * from './model-store.js';
export * from './db-model-store.js';
export * from './data-fingerprint.js';
export * from './promotion-rule.js';
export * from './held-out-evaluation.js';
export * from './promotion-channel.js';
export * from './model-reloader.js';
