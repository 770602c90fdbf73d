/**
 * recgate's public API for plugin authors and embedders. Everything a strategy plugin needs
 * is here; nothing here exposes the database or Redis.
 */
export {
  STRATEGY_CONTRACT_VERSION,
  defineStrategy,
  type Artifact,
  type CatalogItem,
  type CatalogReader,
  type CatalogView,
  type Clock,
  type InteractionReader,
  type InteractionRecord,
  type ItemFilter,
  type JsonValue,
  type LoadContext,
  type Logger,
  type RecommendRequest,
  type ScanOptions,
  type ScoredItem,
  type StrategyDefinition,
  type StrategyInput,
  type TrainContext,
  type TrainProgress,
  type TrainResult,
  type UserState,
} from './strategies/contract.js';
export { definePlugin, type PluginDefinition } from './strategies/plugins/define-plugin.js';
export { arrayCatalogReader, arrayInteractionReader, createCatalogView, readAllInteractions } from './strategies/in-memory-readers.js';
export { createRandom, type Random } from './ml/random.js';
export { RecgateError, rgError, isRecgateError, type ErrorCode } from './errors.js';
export { FEEDBACK_TYPES, type FeedbackType } from './interactions/feedback-type.js';
