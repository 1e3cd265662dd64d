import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { silentLogger } from '../../../src/observability/logger.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { waitForGroupCaughtUp } from '../../support/consumer-lag.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import type { LiveConnection, LiveResult } from '../../support/live-client.js';
import { connectLive } from '../../support/live-client.js';
import { startGroupAtTopicEnds } from '../../support/topic-positions.js';
import { createWriterPool, execute, insertProduct, uniqueId } from '../../support/writer.js';
import { waitFor } from '../../support/wait-for.js';

const personalKey = `live-personal-${randomBytes(8).toString('hex')}`;

type Change = { id: string; version: string; kind: string; row: Record<string, unknown> | null };
const changeIn = (field: string) => (result: LiveResult) => result.data?.[field] as Change | undefined;

describe(
  'subscriptions over graphql-ws, fed by the real pipeline (MariaDB → Debezium → Kafka → consumer → Redis)',
  { timeout: 240_000 },
  () => {
    const group = `it-live-${randomBytes(4).toString('hex')}`;
    let gateway: GatewayHarness;
    let writer: Pool;
    let consumer: CdcConsumer;
    let admin: Admin;
    const connections: LiveConnection[] = [];
    const products: number[] = [];
    const users: number[] = [];
    const topics = () => new RegExp(gateway.config.kafka.topicPattern);
    const connect = (params: Record<string, string> = {}) => {
      const connection = connectLive(gateway.api.url, params);
      connections.push(connection);
      return connection;
    };
    /** Subscribing is asynchronous: a change made before the hub holds the subscription is not announced to it. */
    const subscribed = (count: number) =>
      waitFor(() => ((gateway.api.changes?.size() ?? 0) >= count ? true : null), 10_000, `${count} subscriptions registered`);

    before(async () => {
      writer = createWriterPool();
      gateway = await startHarness({ env: { KAFKA_GROUP_ID: group, API_KEYS: `live:${personalKey}:personal`, MAX_QUERY_DEPTH: '6' } });
      consumer = createCdcRuntime(gateway.services);
      admin = createKafka(gateway.config.kafka, silentLogger).admin();
      await admin.connect();
      await startGroupAtTopicEnds(admin, group, topics());
      await consumer.start();
      await waitFor(() => (consumer.status().joined ? true : null), 60_000, 'the consumer joined its group');
      await waitForGroupCaughtUp(admin, group, topics(), 120_000);
    });
    after(async () => {
      await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
      await consumer?.stop();
      await admin?.disconnect();
      if (products.length > 0) await execute(writer, `DELETE FROM products WHERE id IN (${products.map(() => '?').join(',')})`, products);
      if (users.length > 0) await execute(writer, `DELETE FROM users WHERE id IN (${users.map(() => '?').join(',')})`, users);
      await writer?.end();
      await gateway?.close();
    });

    it('delivers an insert, an update and a delete of a product, in version order, once the cache holds each', async () => {
      const id = uniqueId();
      products.push(id);
      const before = gateway.api.changes?.size() ?? 0;
      const live = connect().subscribe(
        `subscription ($ids: [ID!]) { productChanged(ids: $ids) { id version kind row { id name price stock category { id } } } }`,
        { ids: [String(id)] },
      );
      await subscribed(before + 1);
      await insertProduct(writer, id, { name: 'live kettle', price: '10.00', stock: 3 });
      const inserted = changeIn('productChanged')(
        await live.waitFor((result) => changeIn('productChanged')(result)?.kind === 'INSERT', 30_000, 'the insert event'),
      );
      assert.deepEqual(inserted?.row, { id: String(id), name: 'live kettle', price: '10.00', stock: 3, category: { id: '1' } });

      await execute(writer, 'UPDATE products SET price = ?, stock = ? WHERE id = ?', ['12.50', 2, id]);
      const updated = changeIn('productChanged')(
        await live.waitFor((result) => changeIn('productChanged')(result)?.kind === 'UPDATE', 30_000, 'the update event'),
      );
      assert.equal(updated?.row?.price, '12.50');
      assert.equal(updated?.row?.stock, 2);
      // Delivered after the Redis lane applied it: a read right now sees this version or a newer one.
      const read = await gateway.query(`{ product(id: "${id}") { price stock } }`);
      assert.deepEqual(read.body.data?.product, { price: '12.50', stock: 2 });

      await execute(writer, 'DELETE FROM products WHERE id = ?', [id]);
      const deleted = changeIn('productChanged')(
        await live.waitFor((result) => changeIn('productChanged')(result)?.kind === 'DELETE', 30_000, 'the delete event'),
      );
      assert.equal(deleted?.row, null);
      assert.equal((await gateway.query(`{ product(id: "${id}") { id } }`)).body.data?.product, null);

      const versions = live.results.map((result) => changeIn('productChanged')(result)?.version ?? '');
      assert.deepEqual(
        live.results.map((result) => changeIn('productChanged')(result)?.kind),
        ['INSERT', 'UPDATE', 'DELETE'],
      );
      assert.deepEqual([...versions].sort(), versions, 'versions rise');
      assert.equal(new Set(versions).size, 3);
    });

    it('hides User.email in events from a viewer without the personal role, as queries do, and shows it with the role', async () => {
      const id = uniqueId();
      users.push(id);
      const query = `subscription ($ids: [ID!]) { userChanged(ids: $ids) { kind row { name email } } }`;
      const before = gateway.api.changes?.size() ?? 0;
      const anonymous = connect().subscribe(query, { ids: [String(id)] });
      const personal = connect({ 'x-api-key': personalKey }).subscribe(query, { ids: [String(id)] });
      const generic = connect().subscribe(
        `subscription ($ids: [ID!]) { entityChanged(type: "User", ids: $ids) { type kind row { ... on User { name email } } } }`,
        { ids: [String(id)] },
      );
      await subscribed(before + 3);
      await execute(writer, 'INSERT INTO users (id, name, email, level, is_active, created_at) VALUES (?, ?, ?, ?, 1, ?)', [
        id,
        'Live Tester',
        `live-${id}@example.test`,
        'gold',
        '2025-01-01 00:00:00.000',
      ]);

      const shown = await personal.waitFor((result) => result.data?.userChanged !== undefined, 30_000, "the personal viewer's event");
      assert.deepEqual(shown.data?.userChanged, { kind: 'INSERT', row: { name: 'Live Tester', email: `live-${id}@example.test` } });
      for (const [live, field] of [
        [anonymous, 'userChanged'],
        [generic, 'entityChanged'],
      ] as const) {
        const hidden = await live.waitFor(
          (result) => result.data !== undefined || result.errors !== undefined,
          30_000,
          `the anonymous viewer's ${field} event`,
        );
        assert.deepEqual(
          (hidden.data?.[field] as { row: unknown } | undefined)?.row,
          { name: 'Live Tester', email: null },
          'the rest of the user, without the email',
        );
        assert.equal(hidden.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
        assert.doesNotMatch(JSON.stringify(hidden), /example\.test/);
      }
    });

    it('applies the query limits and authentication to subscriptions', async () => {
      const tooDeep = connect().subscribe(
        `subscription { userChanged { row { referrer { referrer { referrer { referrer { name } } } } } } }`,
      );
      const end = await tooDeep.waitForEnd(10_000);
      assert.match(JSON.stringify(end.error), /QUERY_TOO_DEEP/);

      const badKey = connect({ 'x-api-key': 'not-a-key-of-this-gateway' });
      const refused = badKey.subscribe(`subscription { productChanged { id } }`);
      await refused.waitForEnd(10_000);
      assert.equal(badKey.closeEvent()?.code, 4403);
      assert.match(badKey.closeEvent()?.reason ?? '', /UNAUTHENTICATED/);
    });

    it('refuses a subscribe over the rate limit, which subscriptions share with queries', async () => {
      const limited = await startHarness({ env: { RATE_LIMIT_REQUESTS: '2', RATE_LIMIT_WINDOW_MS: '60000' } });
      try {
        const connection = connectLive(limited.api.url);
        connections.push(connection);
        assert.equal((await limited.query('{ product(id: "1") { id } }')).status, 200);
        const first = connection.subscribe(`subscription { productChanged { id } }`);
        const second = connection.subscribe(`subscription { categoryChanged { id } }`);
        const end = await second.waitForEnd(10_000);
        assert.match(JSON.stringify(end.error), /RATE_LIMITED/);
        assert.equal(first.ended(), null, 'the first subscription is still open');
      } finally {
        await limited.close();
      }
    });

    it('serves the same subscriptions over Server-Sent Events', async () => {
      const id = uniqueId();
      products.push(id);
      await insertProduct(writer, id, { stock: 1 });
      const before = gateway.api.changes?.size() ?? 0;
      const controller = new AbortController();
      const response = await fetch(gateway.api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: `subscription { productChanged(ids: ["${id}"]) { kind row { stock } } }` }),
        signal: controller.signal,
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
      await subscribed(before + 1);
      await execute(writer, 'UPDATE products SET stock = 41 WHERE id = ?', [id]);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const decoder = new TextDecoder();
      await waitFor(
        async () => {
          const { value, done } = await reader.read();
          if (done) assert.fail(`the stream ended: ${text}`);
          text += decoder.decode(value, { stream: true });
          return text.includes('"stock":41') ? true : null;
        },
        30_000,
        'the event on the stream',
      );
      assert.match(text, /event: next\ndata: \{"data":\{"productChanged":\{"kind":"UPDATE","row":\{"stock":41\}\}\}\}/);
      controller.abort();
      await waitFor(() => ((gateway.api.changes?.size() ?? 0) <= before ? true : null), 10_000, "the stream's subscription closed");
    });

    it("signals searchProductsChanged when one of the first page's hits changes or is deleted, and not for other products", async () => {
      const word = `livesearch${randomBytes(3).toString('hex')}`;
      const [hit, other] = [uniqueId(), uniqueId()];
      products.push(hit, other);
      await insertProduct(writer, hit, { name: `${word} kettle`, stock: 5 });
      await insertProduct(writer, other, { name: 'an unrelated teapot', stock: 5 });
      await waitFor(
        async () => {
          const found = await gateway.query(`{ searchProducts(query: "${word}") { nodes { id } } }`);
          return (found.body.data?.searchProducts as { nodes: { id: string }[] } | undefined)?.nodes.some(
            (node) => node.id === String(hit),
          ) === true
            ? true
            : null;
        },
        30_000,
        'the product is searchable',
      );
      const before = gateway.api.changes?.size() ?? 0;
      const signals = connect().subscribe(
        `subscription ($query: String) { searchProductsChanged(query: $query, filter: { inStock: true }) { productId kind } }`,
        { query: word },
      );
      await subscribed(before + 1);
      await execute(writer, 'UPDATE products SET stock = 4 WHERE id = ?', [other]);
      await execute(writer, 'UPDATE products SET stock = 3 WHERE id = ?', [hit]);
      const changed = await signals.waitFor((result) => result.data?.searchProductsChanged !== undefined, 30_000, 'the signal for the hit');
      assert.deepEqual(changed.data?.searchProductsChanged, { productId: String(hit), kind: 'UPDATE' });
      await execute(writer, 'DELETE FROM products WHERE id = ?', [hit]);
      await signals.waitFor(
        (result) => (result.data?.searchProductsChanged as { kind: string } | undefined)?.kind === 'DELETE',
        30_000,
        'the signal for the deleted hit',
      );
      assert.deepEqual(
        signals.results.map((result) => (result.data?.searchProductsChanged as { productId: string }).productId),
        [String(hit), String(hit)],
      );
    });
  },
);
