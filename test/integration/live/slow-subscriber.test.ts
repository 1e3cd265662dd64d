import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import WebSocket from 'ws';
import { silentLogger } from '../../../src/observability/logger.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import type { LiveConnection } from '../../support/live-client.js';
import { connectLive } from '../../support/live-client.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { createWriterPool, execute, uniqueId } from '../../support/writer.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * A round updates every row in one statement, and a batch's events reach the hub in one go, so the
 * bound must hold a couple of rounds' events: a reading client is never cut off by a burst.
 */
const ROWS = 50;
const BUFFER_EVENTS = ROWS * 2 + 20;
/** Large rows, so a client that stops reading fills the socket buffers with few events. */
const description = (seed: number) => `${seed} `.repeat(4000).slice(0, 16_000);

/** A graphql-transport-ws client that can stop reading its socket, spoken by hand to control the socket. */
async function rawSubscriber(url: string, query: string): Promise<{ socket: WebSocket; messages: Record<string, unknown>[]; tcp: Socket }> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await waitFor(() => (messages.some((message) => message.type === 'connection_ack') ? true : null), 10_000, 'connection_ack');
  socket.send(JSON.stringify({ id: 'slow', type: 'subscribe', payload: { query } }));
  return { socket, messages, tcp: (socket as unknown as { _socket: Socket })._socket };
}

describe('a subscriber that stops reading', { timeout: 300_000 }, () => {
  const group = `it-live-slow-${randomBytes(4).toString('hex')}`;
  let gateway: GatewayHarness;
  let writer: Pool;
  let consumer: CdcConsumer;
  let admin: Admin;
  let fast: LiveConnection;
  const first = uniqueId();
  const ids = Array.from({ length: ROWS }, (_, index) => first + index);
  const topics = () => new RegExp(gateway.config.kafka.topicPattern);

  before(async () => {
    writer = createWriterPool();
    gateway = await startHarness({ env: { KAFKA_GROUP_ID: group, SUBSCRIPTION_BUFFER_EVENTS: String(BUFFER_EVENTS) } });
    consumer = createCdcRuntime(gateway.services);
    admin = createKafka(gateway.config.kafka, silentLogger).admin();
    await admin.connect();
    await startGroupAtTopicEnds(admin, group, topics());
    await consumer.start();
    await waitFor(() => (consumer.status().joined ? true : null), 60_000, 'the consumer joined its group');
    const values = ids.map((id) => [id, `SLOW-${id}`, `slow subscriber ${id}`, description(id), 1, 'Acme', '5.00', 0, 'active', 0, '[]']);
    await execute(
      writer,
      `INSERT INTO products (id, sku, name, description, category_id, brand, price, stock, status, is_featured, tags) VALUES ${values.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      values.flat(),
    );
    await waitForGroupCaughtUp(admin, group, topics(), 120_000);
  });
  after(async () => {
    await fast?.close().catch(() => undefined);
    await consumer?.stop();
    await admin?.disconnect();
    await execute(writer, `DELETE FROM products WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
    await writer?.end();
    await gateway?.close();
  });

  it('is cut off at its buffer bound with an error telling it to resubscribe, while another subscriber keeps receiving everything', async () => {
    const query = `subscription ($ids: [ID!]) { productChanged(ids: $ids) { id version row { stock description } } }`;
    const byId = { ids: ids.map(String) };
    fast = connectLive(gateway.api.url);
    const fastLive = fast.subscribe(query, byId);
    const slow = await rawSubscriber(
      gateway.api.url,
      `subscription { productChanged(ids: ${JSON.stringify(byId.ids)}) { id version row { stock description } } }`,
    );
    await waitFor(() => ((gateway.api.changes?.size() ?? 0) >= 2 ? true : null), 10_000, 'both subscriptions registered');
    // From now on the slow client's kernel buffers fill, then the server's sends stall, then its feed.
    slow.tcp.pause();

    const overflowed = () => gateway.services.metrics.snapshot().live_subscriptions_overflowed;
    let rounds = 0;
    // Rounds until the server cut the slow subscriber off (bounded: 60 rounds of 50 rows of 16 KB is ~48 MB).
    while (overflowed() === 0 && rounds < 60) {
      rounds += 1;
      await execute(writer, `UPDATE products SET stock = ? WHERE id IN (${ids.map(() => '?').join(',')})`, [rounds, ...ids]);
      await sleep(200);
    }
    await waitFor(() => (overflowed() >= 1 ? true : null), 60_000, `the slow subscriber overflowed (after ${rounds} rounds)`);

    // The fast subscriber sees every row reach the last round's stock.
    const lastStock = new Map<string, number>();
    await waitFor(
      () => {
        for (const result of fastLive.results) {
          const change = result.data?.productChanged as { id: string; row: { stock: number } } | undefined;
          if (change !== undefined) lastStock.set(change.id, change.row.stock);
        }
        return [...lastStock.values()].filter((stock) => stock === rounds).length === ROWS ? true : null;
      },
      60_000,
      `the fast subscriber saw all ${ROWS} rows at stock ${rounds}`,
    );
    assert.equal(fastLive.ended(), null, 'the fast subscription is still open');
    assert.ok(fastLive.results.every((result) => result.errors === undefined));

    // The slow client, reading again, finds what was in flight, then the overflow error and the end.
    slow.tcp.resume();
    await waitFor(
      () => (slow.messages.some((message) => message.type === 'complete') ? true : null),
      60_000,
      'the slow subscription completed',
    );
    const nexts = slow.messages.filter((message) => message.type === 'next');
    const last = nexts[nexts.length - 1] as { payload: { data: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
    assert.equal(last.payload.errors?.[0]?.extensions?.code, 'SUBSCRIPTION_OVERFLOW');
    assert.match(last.payload.errors?.[0]?.message ?? '', new RegExp(`more than ${BUFFER_EVENTS} events.*resubscribe`));
    assert.ok(
      nexts.length - 1 < fastLive.results.length,
      `the slow client got fewer events (${nexts.length - 1}) than the fast one (${fastLive.results.length})`,
    );
    assert.equal(gateway.api.changes?.size(), 1, 'the slow subscription let go of its feed');
    console.log(
      `slow subscriber cut after ${rounds} rounds; it received ${nexts.length - 1} events, the fast one ${fastLive.results.length}`,
    );
    slow.socket.close();
  });
});
