export * from './feedback-type.js';
export * from './signal-policy.js';
