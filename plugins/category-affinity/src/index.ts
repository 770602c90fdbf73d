/**
 * The plugin's entry: recgate loads this module's default export at start-up.
 */
import { definePlugin } from 'recgate';
import { categoryAffinityStrategy } from './category-affinity.js';

export default definePlugin({
  name: 'category-affinity',
  // The strategy contract this plugin was written against; recgate refuses to load it otherwise.
  requires: '^1.0.0',
  strategies: [categoryAffinityStrategy],
});

export { categoryAffinityStrategy };
