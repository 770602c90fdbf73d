export * from './define-plugin.js';
export * from './plugin-loader.js';
