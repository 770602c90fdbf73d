export * from './rows.js';
export * from './import-formats.js';
export * from './load-dataset.js';
export { MOVIELENS_GENRES } from './formats/movielens.js';
export * from './import-into-database.js';
export * from './import-summary.js';
export { createIdempotencyKeys, normalizedRow } from './idempotency-key.js';
