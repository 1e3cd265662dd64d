import { Client, errors } from '@elastic/elasticsearch';
import { GatewayError, errorMessage, isGatewayError } from '../errors.js';

export interface ElasticsearchClientOptions {
  readonly url: string;
  readonly requestTimeoutMs: number;
  /**
   * Transport-level retries of one request (connection refused, 502/503/504). Kept low: the CDC
   * consumer already backs off and retries the whole batch, so long retry chains here would only
   * delay its pause and hold the partition.
   */
  readonly maxRetries?: number;
}

/** The one place the gateway opens an Elasticsearch client; it is passed down in the dependencies object. */
export function createElasticsearchClient(options: ElasticsearchClientOptions): Client {
  return new Client({
    node: options.url,
    requestTimeout: options.requestTimeoutMs,
    maxRetries: options.maxRetries ?? 1,
    sniffOnStart: false,
    sniffOnConnectionFault: false,
  });
}

/**
 * Maps a failed request to the error catalogue. Only a 4xx that is neither "not found", "timeout"
 * nor "too many requests" means the gateway built a bad request: that is a bug, not retriable.
 * Everything else (connection refused, timeouts, 5xx, a missing alias while indices are being set
 * up) can heal by waiting, so the consumer pauses and retries the batch.
 */
export function toSearchError(error: unknown, what: string): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const reason = describeResponseError(error);
    if (status >= 400 && status < 500 && status !== 404 && status !== 408 && status !== 429) {
      return new GatewayError('INTERNAL', `${what}: Elasticsearch rejected the request (${status}): ${reason}`, {
        cause: error,
        details: { status },
      });
    }
    return new GatewayError('SEARCH_UNAVAILABLE', `${what}: Elasticsearch answered ${status}: ${reason}`, {
      cause: error,
      details: { status },
    });
  }
  return new GatewayError('SEARCH_UNAVAILABLE', `${what}: ${errorMessage(error)}`, { cause: error });
}

function describeResponseError(error: InstanceType<typeof errors.ResponseError>): string {
  const body: unknown = error.meta.body;
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const inner = body.error;
    if (typeof inner === 'object' && inner !== null && 'reason' in inner) return String(inner.reason);
    return JSON.stringify(inner);
  }
  return error.message;
}
