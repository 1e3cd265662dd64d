import type { Viewer } from '../auth/viewer.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestLoaders } from './request-loaders.js';

/** What every resolver receives: the request's own loaders, who is asking, and the shared metrics. */
export interface RequestContext {
  readonly loaders: RequestLoaders;
  readonly metrics: Metrics;
  readonly viewer: Viewer;
}
