export * from './database-url.js';
export * from './migrate.js';
export * from './open-database.js';
export * from './readers.js';
export * from './catalog-reads.js';
export * from './unique-violation.js';
export * from './impression-reader.js';
