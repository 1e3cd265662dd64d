import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeEntry, entryCacheKey } from '../../src/cache/cache-entry.js';
import { createRedisClient, waitForRedis } from '../../src/cache/redis-client.js';
import { loadGatewayConfig } from '../../src/config/gateway-config.js';
import type { Row } from '../../src/rows/row.js';
import { processUsage, runChild, serveParent } from '../child-channel.js';
import { productCardBody } from './product-card.js';

/**
 * B0 and B1, the ceilings the gateway is compared with. Both take the same POST body as the
 * gateway (`{ query, variables: { id } }`) and answer the same JSON. B0 does no I/O: it answers
 * from a row held in memory. B1 makes the one Redis GET a cache hit needs, with the gateway's own
 * Redis client settings and cache key, and decodes the cached entry.
 *   node baseline-server.js b0|b1   (REDIS_URL, REDIS_KEY_PREFIX from the environment)
 */
const FIXED_ROW: Row = {
  id: 1,
  sku: 'SKU-00000001',
  name: 'Benchmark product 基准',
  brand: 'Acme',
  price: '199.00',
  stock: 42,
  status: 'active',
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function requestedId(body: string): string {
  const parsed = JSON.parse(body) as { variables?: { id?: unknown } };
  const id = parsed.variables?.id;
  if (typeof id !== 'string' || !/^[1-9]\d{0,18}$/.test(id)) throw new Error('variables.id must be an id');
  return id;
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'b0' && mode !== 'b1') throw new Error('usage: baseline-server.js b0|b1');
  const config = loadGatewayConfig(process.env);
  const redis = mode === 'b1' ? createRedisClient({ url: config.redis.url, commandTimeoutMs: config.redis.commandTimeoutMs }) : null;
  if (redis !== null) await waitForRedis(redis, 5_000);
  const answer = async (id: string): Promise<string> => {
    if (redis === null) return productCardBody({ ...FIXED_ROW, id: Number(id) });
    const lookup = decodeEntry(await redis.get(entryCacheKey(config.redis.keyPrefix, 'products', id)));
    return productCardBody(lookup.state === 'hit' ? lookup.row : null);
  };
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => answer(requestedId(body)))
      .then(
        (body) => send(response, 200, body),
        (error: unknown) => send(response, 400, JSON.stringify({ errors: [{ message: String(error) }] })),
      );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  serveParent({ url: `http://127.0.0.1:${port}/graphql` }, { usage: () => processUsage() }, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    redis?.disconnect();
  });
}

runChild(main);
