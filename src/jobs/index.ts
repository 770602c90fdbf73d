export * from './train-strategy.js';
