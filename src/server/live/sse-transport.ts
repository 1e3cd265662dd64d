import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import type { OperationArgs, Response } from 'graphql-sse';
import { createHandler } from 'graphql-sse';
import { isGatewayError } from '../../errors.js';
import type { Metrics } from '../../observability/metrics.js';
import type { LiveOperations } from './live-operations.js';
import { statusOf } from './live-operations.js';

export interface SseTransportDependencies {
  readonly operations: LiveOperations;
  readonly maxBodyBytes: number;
  readonly metrics: Metrics;
}

export interface SseTransport {
  /** Whether a request to /graphql is for this transport rather than for Apollo. */
  accepts(request: IncomingMessage): boolean;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBoundedBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.destroy();
        reject(new BodyTooLarge(`the request body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

const refusal = (code: string, message: string, status: number) =>
  [
    JSON.stringify({ errors: [{ message, extensions: { code } }] }),
    { status, statusText: code, headers: { 'content-type': 'application/json; charset=utf-8' } },
  ] as const;

/**
 * The GraphQL over Server-Sent Events protocol (graphql-sse), for clients that prefer plain HTTP:
 * a request to /graphql that accepts `text/event-stream` (distinct connections mode), or carries an
 * event-stream token (single connection mode). Same admission and formatting as graphql-ws; a
 * refused operation is answered with its code's HTTP status.
 */
export function createSseTransport(deps: SseTransportDependencies): SseTransport {
  const { operations, metrics } = deps;
  const handler = createHandler<IncomingMessage>({
    async onSubscribe(request, params): Promise<Response | OperationArgs<undefined>> {
      let client;
      try {
        client = await operations.identify(
          { get: (name) => request.headers.get(name) ?? undefined },
          request.raw.socket.remoteAddress ?? 'unknown',
        );
      } catch (error) {
        if (!isGatewayError(error)) throw error;
        metrics.increment('graphql_errors', { code: error.code });
        return refusal(error.code, error.message, statusOf(error.code));
      }
      const prepared = await operations.prepare(client, params);
      if (prepared.kind === 'rejected') {
        const formatted = operations.formatErrors(prepared.errors);
        return [
          JSON.stringify({ errors: formatted }),
          { status: statusOf(prepared.code), statusText: prepared.code, headers: { 'content-type': 'application/json; charset=utf-8' } },
        ] as const;
      }
      metrics.increment('live_subscriptions_started', { transport: 'sse' });
      // graphql-sse types its context as the handler's (none here); graphql-js passes it on as it is.
      return prepared.args as OperationArgs<undefined>;
    },
    // Formatted errors are plain objects; graphql-sse only serializes what it is given.
    onNext: (_context, _request, result) => ('hasNext' in result ? result : (operations.formatResult(result) as ExecutionResult)),
  });
  return {
    accepts(request) {
      const accept = request.headers.accept ?? '';
      return (
        accept.includes('text/event-stream') || request.headers['x-graphql-event-stream-token'] !== undefined || request.method === 'PUT'
      );
    },
    async handle(request, response) {
      const [body, init] = await handler({
        method: request.method ?? 'GET',
        url: request.url ?? '/graphql',
        headers: {
          get: (name) => {
            const value = request.headers[name];
            return Array.isArray(value) ? value.join('\n') : value;
          },
        },
        body: () => readBoundedBody(request, deps.maxBodyBytes),
        raw: request,
        context: undefined,
      });
      response.writeHead(init.status, init.statusText, init.headers);
      if (body === null || typeof body === 'string') {
        response.end(body ?? undefined);
        return;
      }
      const stop = () => void body.return(undefined);
      response.once('close', stop);
      try {
        // Each event is written once the previous one reached the kernel: a client that stops reading
        // stalls here, and its events wait (bounded) in its feed.
        for await (const value of body) {
          if (!response.writable) break;
          await new Promise<void>((resolve, reject) =>
            response.write(value, (error) => (error === undefined || error === null ? resolve() : reject(error))),
          );
        }
      } finally {
        response.off('close', stop);
        response.end();
      }
    },
  };
}
