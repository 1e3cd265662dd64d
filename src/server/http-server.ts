import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { ErrorCode } from '../errors.js';
import { ErrorCodes } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { fixedFieldLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestScope } from '../observability/request-scope.js';
import { createRequestScope } from '../observability/request-scope.js';
import type { RequestContext } from '../resolvers/request-context.js';
import type { GraphQLFastLane } from './graphql-fast-lane.js';

/** Who sent a GraphQL request and how many operations it carries (a batch counts each). */
export interface ClientInfo {
  readonly remoteAddress: string;
  readonly operations: number;
}

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface HttpGatewayOptions {
  /** null: no /graphql (a --sync-only process serves only health and metrics). */
  readonly apollo: ApolloServer<RequestContext> | null;
  /** Builds the request's context (throws a GraphQLError for bad credentials or the rate limit). */
  readonly createContext: (headers: HeaderMap, client: ClientInfo, scope: RequestScope) => Promise<RequestContext>;
  /** Serves plain JSON queries without Apollo's pipeline when it can (null: everything goes to Apollo). */
  readonly fastLane: GraphQLFastLane | null;
  /** Subscriptions over Server-Sent Events on /graphql (null: none). */
  readonly eventStreams?: { accepts(request: IncomingMessage): boolean; handle: RouteHandler } | null;
  /** Extra plain routes such as /healthz: path → handler. */
  readonly routes?: Readonly<Record<string, RouteHandler>>;
  readonly limits: { readonly maxBodyBytes: number; readonly maxBatchOperations: number };
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface HttpGateway {
  readonly server: Server;
  /** From now on every response closes its connection, so keep-alive clients move to another instance. */
  startDraining(): void;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes would drown the access log at info. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop buffering but let the rest drain, so the client reads our 413 instead of a reset.
        request.off('data', onData);
        request.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    // Most bodies arrive in one chunk: decode it without copying it into a new buffer first.
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Apollo's codes for a malformed request and a masked failure, beside the gateway's catalogue. */
const HTTP_ONLY_CODES = { BAD_REQUEST: 400, INTERNAL_SERVER_ERROR: 500 } as const;

function sendError(response: ServerResponse, metrics: Metrics, code: ErrorCode | keyof typeof HTTP_ONLY_CODES, message: string): void {
  metrics.increment('graphql_errors', { code });
  const text = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  const httpStatus = code in HTTP_ONLY_CODES ? HTTP_ONLY_CODES[code as keyof typeof HTTP_ONLY_CODES] : ErrorCodes[code as ErrorCode].status;
  response.writeHead(httpStatus, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Parses the body as Apollo expects it; false when an error response was already sent. */
async function parseBody(
  options: HttpGatewayOptions,
  request: IncomingMessage,
  response: ServerResponse,
  headers: HeaderMap,
): Promise<{ body: unknown } | false> {
  const { maxBodyBytes, maxBatchOperations } = options.limits;
  const tooLarge = async () => {
    // Answer once the upload is read (and discarded): closing with it unread resets the connection,
    // and the client sees a reset instead of the 413. A client that keeps sending is cut off after 5 s.
    if (!request.complete) {
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        request.once('end', done).once('error', done).once('close', done);
        setTimeout(done, 5_000).unref();
        request.resume();
      });
    }
    response.setHeader('connection', 'close');
    sendError(response, options.metrics, 'PAYLOAD_TOO_LARGE', `the request body exceeds ${maxBodyBytes} bytes`);
    return false as const;
  };
  if (Number(headers.get('content-length') ?? 0) > maxBodyBytes) {
    return tooLarge();
  }
  let text: string;
  try {
    text = await readBody(request, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return tooLarge();
    throw error;
  }
  if (!(headers.get('content-type') ?? '').includes('application/json')) return { body: text };
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    sendError(response, options.metrics, 'BAD_REQUEST', 'the request body is not valid JSON');
    return false;
  }
  if (Array.isArray(body) && body.length > maxBatchOperations) {
    sendError(
      response,
      options.metrics,
      'BATCH_TOO_LARGE',
      `a batch may hold at most ${maxBatchOperations} operations, got ${body.length}`,
    );
    return false;
  }
  return { body };
}

/**
 * A minimal node:http integration for Apollo: the per-request pipeline of a framework (body-parser,
 * negotiator, type-is…) costs more than executing a cached-row query, so the gateway parses JSON
 * itself and hands Apollo a ready request. A plain JSON query goes through the fast lane first, which
 * answers it when it succeeds and otherwise hands Apollo the context it already built.
 */
async function handleGraphQL(
  options: HttpGatewayOptions,
  apollo: ApolloServer<RequestContext>,
  request: IncomingMessage,
  response: ServerResponse,
  search: string,
  scope: RequestScope,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown = undefined;
  if (request.method === 'POST') {
    const parsed = await parseBody(options, request, response, headers);
    if (parsed === false) return;
    body = parsed.body;
  }
  const client: ClientInfo = {
    remoteAddress: request.socket.remoteAddress ?? 'unknown',
    operations: Array.isArray(body) ? Math.max(1, body.length) : 1,
  };
  let context = () => options.createContext(headers, client, scope);
  if (options.fastLane !== null && request.method === 'POST') {
    const outcome = await options.fastLane.serve(headers, body, context);
    if (outcome.kind === 'served') {
      // writeHead fixes the headers at once: without a length the body would go out chunked (a
      // chunk header, the body and a terminator: several buffers per response instead of one).
      response.writeHead(200, { 'content-type': outcome.contentType, 'content-length': Buffer.byteLength(outcome.body) });
      response.end(outcome.body);
      return;
    }
    if (outcome.context !== null) context = outcome.context;
  }
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search, body },
    context,
  });
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/** `accessLog` writes without redaction: every field here is fixed, none can hold a secret. */
function logWhenFinished(accessLog: Logger, request: IncomingMessage, response: ServerResponse, path: string, scope: RequestScope): void {
  const started = performance.now();
  response.once('finish', () => {
    const fields = {
      requestId: scope.requestId,
      method: request.method,
      path,
      status: response.statusCode,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      operation: scope.operationName ?? undefined,
    };
    if (QUIET_PATHS.has(path)) accessLog.debug(fields, 'request');
    else accessLog.info(fields, 'request');
  });
}

/**
 * Every request gets its own scope (a logger that puts the request id on every line, the cache hits
 * and misses counted for the freshness extension), handed down explicitly: to the GraphQL context,
 * and here to the access log. The id is the caller's X-Request-Id when it looks like one.
 */
export function createHttpGateway(options: HttpGatewayOptions): HttpGateway {
  let draining = false;
  const accessLog = fixedFieldLogger(options.logger);
  const server = createServer((request, response) => {
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const scope = createRequestScope(requestId, options.logger);
    response.setHeader('x-request-id', requestId);
    if (draining) response.setHeader('connection', 'close');
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const search = queryStart === -1 ? '' : url.slice(queryStart);
    logWhenFinished(accessLog, request, response, path, scope);
    const route = options.routes?.[path];
    const { apollo } = options;
    const streams = options.eventStreams ?? null;
    const graphql = path === '/graphql' && apollo !== null;
    const handling =
      route !== undefined
        ? Promise.resolve(route(request, response))
        : graphql && streams !== null && streams.accepts(request)
          ? Promise.resolve(streams.handle(request, response))
          : graphql
            ? handleGraphQL(options, apollo, request, response, search, scope)
            : null;
    if (handling === null) {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ error: `no route ${path}` }));
      return;
    }
    handling.catch((error: unknown) => {
      scope.logger.error(
        { err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error), path },
        'request failed',
      );
      if (!response.headersSent) sendError(response, options.metrics, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else response.destroy();
    });
  });
  return {
    server,
    startDraining() {
      draining = true;
    },
  };
}
