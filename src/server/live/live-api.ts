import type { Server } from 'node:http';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { ChangeHub } from '../../live/change-hub.js';
import { createChangeHub } from '../../live/change-hub.js';
import { liveChannelOf } from '../../live/change-publisher.js';
import type { GatewayServices } from '../gateway-services.js';
import type { JwtVerifier } from '../../auth/jwt.js';
import type { RateLimiter } from '../rate-limit.js';
import { createLiveOperations } from './live-operations.js';
import type { SseTransport } from './sse-transport.js';
import { createSseTransport } from './sse-transport.js';
import type { WebSocketTransport } from './ws-transport.js';
import { attachWebSocketTransport } from './ws-transport.js';

export interface LiveApiDependencies {
  readonly schema: GraphQLSchema;
  readonly services: GatewayServices;
  /** The HTTP endpoint's limiters: requests per client, failed authentications per address. */
  readonly requests: RateLimiter;
  readonly authFailures: RateLimiter;
  readonly jwt: JwtVerifier | null;
  readonly validationRules: readonly ValidationRule[];
}

export interface LiveApi {
  readonly changes: ChangeHub;
  readonly eventStreams: SseTransport;
  /** graphql-ws on the server's /graphql. */
  attach(server: Server): void;
  close(): Promise<void>;
}

/** How long start-up waits for the change channel before serving anyway (subscribers then wait for it). */
const CHANNEL_WAIT_MS = 5_000;

/**
 * Subscriptions of one API instance: the change hub (fed over Redis pub/sub by whichever process
 * runs the consumer), graphql-ws and SSE over the same admission rules as queries.
 */
export async function startLiveApi(deps: LiveApiDependencies): Promise<LiveApi> {
  const { services } = deps;
  const { config, metrics, logger } = services;
  const changes = createChangeHub({
    redis: services.redis,
    channel: liveChannelOf(config.redis.keyPrefix),
    bufferEvents: config.live.bufferEvents,
    metrics,
    logger,
  });
  const waited = await Promise.race([
    changes.ready().then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CHANNEL_WAIT_MS).unref()),
  ]);
  if (!waited) logger.warn({}, 'change channel not subscribed yet (Redis unreachable?); subscriptions deliver once it is');
  const operations = createLiveOperations({
    schema: deps.schema,
    services,
    changes,
    requests: deps.requests,
    authFailures: deps.authFailures,
    jwt: deps.jwt,
    validationRules: deps.validationRules,
  });
  let sockets: WebSocketTransport | null = null;
  return {
    changes,
    eventStreams: createSseTransport({ operations, maxBodyBytes: config.limits.maxBodyBytes, metrics }),
    attach(server) {
      sockets = attachWebSocketTransport({
        server,
        operations,
        path: '/graphql',
        subscriptionsPerConnection: config.live.subscriptionsPerConnection,
        metrics,
        logger,
      });
    },
    async close() {
      await changes.close();
      await sockets?.close();
    },
  };
}
