import type { CatalogCache } from '../catalog/catalog-cache.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Database } from '../db/index.js';
import type { StrategyRegistry } from '../strategies/registry.js';
import type { FeedbackService } from './feedback-service.js';
import type { ImpressionLog } from './impression-log.js';
import type { LiveModels } from './live-models.js';
import type { RecommendService } from './recommend-service.js';

/** Everything resolvers use, built once per gateway by `createGateway`. */
export interface GatewayServices {
  readonly db: Database;
  readonly registry: StrategyRegistry;
  readonly models: LiveModels;
  readonly catalogCache: CatalogCache;
  readonly catalog: CatalogService;
  readonly recommend: RecommendService;
  readonly feedback: FeedbackService;
  readonly impressions: ImpressionLog;
  /** The strategy serving asks first (popularity answers when it cannot). */
  readonly servingStrategy: string;
}
