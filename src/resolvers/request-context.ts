import type { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import type { Viewer } from '../auth/viewer.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestScope } from '../observability/request-scope.js';
import type { RequestLoaders } from './request-loaders.js';

/**
 * What every resolver receives: the request's own loaders, who is asking, the shared metrics, and
 * the request's scope (its id, the logger to log with, the cache hits and misses it caused).
 */
export interface RequestContext {
  readonly loaders: RequestLoaders;
  readonly scope: RequestScope;
  readonly metrics: Metrics;
  readonly viewer: Viewer;
  readonly search: ElasticsearchClient;
  readonly config: GatewayConfig;
}
