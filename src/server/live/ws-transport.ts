import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { errorMessage, GatewayError, isGatewayError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { LiveClient, LiveOperations } from './live-operations.js';

export interface WebSocketTransportDependencies {
  readonly server: Server;
  readonly operations: LiveOperations;
  readonly path: string;
  readonly subscriptionsPerConnection: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Idle connections are pinged this often and dropped when a pong does not come back in time. */
  readonly keepAliveMs?: number;
}

export interface WebSocketTransport {
  /** Refuses new connections and closes open ones with 1001 (going away): clients reconnect elsewhere. */
  close(): Promise<void>;
}

interface ConnectionExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  client: LiveClient | null;
}

/** Connection params a client may pass credentials in (browsers cannot set headers on a WebSocket). */
function credentialHeaders(
  params: Readonly<Record<string, unknown>> | undefined,
  request: IncomingMessage,
): { get(name: string): string | undefined } {
  const given = new Map<string, string>();
  for (const [name, value] of Object.entries(params ?? {})) if (typeof value === 'string') given.set(name.toLowerCase(), value);
  return {
    get(name) {
      const header = request.headers[name];
      return given.get(name) ?? (Array.isArray(header) ? header.join(', ') : header);
    },
  };
}

/** A WebSocket close reason is at most 123 bytes. */
const closeReason = (text: string) =>
  Buffer.from(text)
    .subarray(0, 123)
    .toString('utf8')
    .replace(/\uFFFD$/, '');

/**
 * graphql-ws (the graphql-transport-ws protocol) on the HTTP server's own port and path: an upgrade
 * request to `path` becomes a connection, anything else is refused. Credentials come from the
 * connection_init payload (`x-api-key`, `authorization`) or the upgrade request's headers, checked
 * once per connection; every subscribe then passes the same admission as an HTTP request.
 */
export function attachWebSocketTransport(deps: WebSocketTransportDependencies): WebSocketTransport {
  const { operations, metrics, logger } = deps;
  const keepAliveMs = deps.keepAliveMs ?? 12_000;
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 1_048_576,
    handleProtocols: (protocols) => handleProtocols(protocols),
  });
  let closing = false;
  const protocolServer = makeServer<Record<string, unknown> | undefined, ConnectionExtra>({
    connectionInitWaitTimeout: 10_000,
    async onConnect(ctx) {
      try {
        ctx.extra.client = await operations.identify(
          credentialHeaders(ctx.connectionParams, ctx.extra.request),
          ctx.extra.request.socket.remoteAddress ?? 'unknown',
        );
        return true;
      } catch (error) {
        if (!isGatewayError(error)) throw error;
        metrics.increment('graphql_errors', { code: error.code });
        ctx.extra.socket.close(CloseCode.Forbidden, closeReason(`${error.code}: ${error.message}`));
        return false;
      }
    },
    async onSubscribe(ctx, _id, payload) {
      const client = ctx.extra.client;
      if (client === null)
        return [new GraphQLError('not connected', { originalError: new GatewayError('UNAUTHENTICATED', 'not connected') })];
      // The new operation is already among the connection's subscriptions.
      if (Object.keys(ctx.subscriptions).length > deps.subscriptionsPerConnection) {
        const message = `a connection may hold at most ${deps.subscriptionsPerConnection} subscriptions`;
        return [new GraphQLError(message, { originalError: new GatewayError('TOO_MANY_SUBSCRIPTIONS', message) })];
      }
      const prepared = await operations.prepare(client, payload);
      if (prepared.kind === 'rejected') return [...prepared.errors];
      metrics.increment('live_subscriptions_started', { transport: 'ws' });
      return prepared.args;
    },
    onError: (_ctx, _id, _payload, errors) => operations.formatErrors(errors),
    onNext: (_ctx, _id, _payload, _args, result) => operations.formatResult(result),
  });

  sockets.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const extra: ConnectionExtra = { socket, request, client: null };
    socket.on('error', (error) => logger.warn({ err: errorMessage(error) }, 'websocket error'));
    let awaitingPong = false;
    const keepAlive = setInterval(() => {
      if (awaitingPong) {
        socket.terminate();
        return;
      }
      awaitingPong = true;
      socket.ping();
    }, keepAliveMs);
    socket.on('pong', () => (awaitingPong = false));
    const closed = protocolServer.opened(
      {
        protocol: socket.protocol,
        // Resolves once the frame reached the kernel: a client that stops reading stalls its
        // subscriptions here, and their events queue in their bounded feeds.
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error === undefined || error === null ? resolve() : reject(error)));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString('utf8')).catch((error: unknown) => {
              logger.error({ err: errorMessage(error) }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    socket.once('close', (code: number, reason: Buffer) => {
      clearInterval(keepAlive);
      closed(code, reason.toString('utf8')).catch(() => undefined);
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (closing || path !== deps.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => sockets.emit('connection', client, request));
  };
  deps.server.on('upgrade', onUpgrade);

  return {
    async close() {
      closing = true;
      deps.server.off('upgrade', onUpgrade);
      for (const client of sockets.clients) client.close(1001, 'going away');
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}
