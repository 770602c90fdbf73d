import type { CatalogCache } from '../catalog/catalog-cache.js';
import type { CatalogService } from '../serving/catalog-service.js';
import type { Database } from '../db/index.js';
import type { StrategyRegistry } from '../strategies/registry.js';
import type { FeedbackService } from '../serving/feedback-service.js';
import type { ImpressionLog } from '../serving/impression-log.js';
import type { LiveModels } from '../models/live-models.js';
import type { ModelStore } from '../models/model-store.js';
import type { ModelReloader } from '../models/model-reloader.js';
import type { JobService } from '../jobs/job-service.js';
import type { RecommendService } from '../serving/recommend-service.js';
import type { MetaPolicyRuntime } from '../policy/meta-policy-runtime.js';
import type { ServingPolicy } from '../serving/serving-policy.js';
import type { ExperimentsRuntime } from '../experiments/experiments-runtime.js';

/** Everything resolvers use, built once per gateway by `createGateway`. */
export interface GatewayServices {
  readonly db: Database;
  readonly registry: StrategyRegistry;
  readonly models: LiveModels;
  /** Stored model versions (candidates, live, retired). */
  readonly modelStore: ModelStore;
  /** Loads promoted versions into this gateway and announces promotions made here. */
  readonly modelReloader: ModelReloader;
  /** Train / adapt / evaluate jobs: BullMQ with REDIS_URL, in-process without. */
  readonly jobs: JobService;
  readonly catalogCache: CatalogCache;
  readonly catalog: CatalogService;
  readonly recommend: RecommendService;
  readonly feedback: FeedbackService;
  readonly impressions: ImpressionLog;
  /** Which strategy serves a request unless something picks another policy for it. */
  readonly servingPolicy: ServingPolicy;
  /** The meta-policy choosing the strategy per request; null when RECGATE_META_POLICY=off. */
  readonly metaPolicy: MetaPolicyRuntime | null;
  /** A/B experiments: lifecycle, the running ones the request path assigns from, results. */
  readonly experiments: ExperimentsRuntime;
}
