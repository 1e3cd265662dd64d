import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../observability/metrics.js';

/** GET /metrics: the Prometheus text exposition of the gateway's metrics and the process's. */
export function metricsRoute(metrics: Metrics) {
  return {
    '/metrics': async (_request: IncomingMessage, response: ServerResponse) => {
      const { contentType, body } = await metrics.expose();
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(body);
    },
  };
}
