import type { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import type { Viewer } from '../auth/viewer.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestLoaders } from './request-loaders.js';

/** What every resolver receives: the request's own loaders, who is asking, and the shared metrics. */
export interface RequestContext {
  readonly loaders: RequestLoaders;
  readonly metrics: Metrics;
  readonly viewer: Viewer;
  readonly search: ElasticsearchClient;
  readonly config: GatewayConfig;
}
