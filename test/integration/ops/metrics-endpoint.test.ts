import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { silentLogger } from '../../../src/observability/logger.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import { ensureSearchIndices } from '../../../src/server/startup-checks.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createKafka } from '../../../src/sync/kafka-client.js';
import { uniqueId } from '../../support/writer.js';
import { debeziumMessage, productImage } from '../sync/cdc-messages.js';
import type { OpsGateway } from './ops-gateway.js';
import { eventually, startOpsGateway } from './ops-gateway.js';

/** Sum of every sample of a metric whose labels contain `labels`, e.g. sum(`gateway_cache_hits_total`, 'entity="products"'). */
function sum(exposition: string, metric: string, labels = ''): number {
  return exposition
    .split('\n')
    .filter((line) => (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) && line.includes(labels))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('/metrics', () => {
  let gateway: OpsGateway;
  const scrape = async () => {
    const response = await fetch(`${gateway.origin}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  before(async () => {
    gateway = await startOpsGateway();
  });
  after(async () => {
    await gateway.close();
  });

  it('exposes process metrics', async () => {
    const body = await scrape();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      assert.match(body, new RegExp(`^${name} `, 'm'), name);
    }
  });

  it('moves request latency, cache hits/misses/fills and SQL metrics under a query', async () => {
    const id = uniqueId();
    const query = `query ProductName { product(id: "1") { name } products(ids: ["${id}"]) { id } }`;
    const before = await scrape();
    await gateway.query(query);
    await gateway.query(query);
    const after = await scrape();
    const moved = (metric: string, labels = '') => sum(after, metric, labels) - sum(before, metric, labels);
    assert.equal(moved('gateway_graphql_request_duration_seconds_count', 'operation="ProductName",outcome="ok"'), 2);
    assert.equal(
      moved('gateway_cache_hits_total', 'entity="products"'),
      2,
      'the second round is answered by Redis (a row and a remembered absence)',
    );
    assert.equal(moved('gateway_cache_misses_total', 'entity="products"'), 2, 'the first read of each id misses');
    assert.equal(moved('gateway_cache_negative_hits_total', 'entity="products"'), 1, 'the unknown id is remembered as absent');
    assert.equal(moved('gateway_cache_fills_total', 'entity="products"'), 2);
    assert.ok(moved('gateway_sql_queries_total', 'table="products"') >= 1);
    assert.ok(moved('gateway_sql_query_duration_seconds_count', 'table="products"') >= 1);
  });

  it('counts errors by code and marks the operation as failed', async () => {
    const before = await scrape();
    await gateway.query('query BadId { product(id: "x") { id } }');
    const after = await scrape();
    assert.equal(
      sum(after, 'gateway_graphql_errors_total', 'code="BAD_USER_INPUT"') -
        sum(before, 'gateway_graphql_errors_total', 'code="BAD_USER_INPUT"'),
      1,
    );
    assert.equal(sum(after, 'gateway_graphql_request_duration_seconds_count', 'operation="BadId",outcome="error"'), 1);
  });

  it('times Elasticsearch requests by endpoint', async () => {
    const before = sum(await scrape(), 'gateway_elasticsearch_request_duration_seconds_count', 'endpoint="_cluster"');
    await fetch(`${gateway.origin}/readyz`);
    assert.equal(sum(await scrape(), 'gateway_elasticsearch_request_duration_seconds_count', 'endpoint="_cluster"') - before, 1);
  });
});

describe('/metrics with the CDC consumer running', { timeout: 120_000 }, () => {
  const run = randomBytes(4).toString('hex');
  const topic = `it-ops-${run}.shop.products`;
  const deadLetterTopic = `it-ops-${run}.dead-letter`;
  let gateway: OpsGateway;
  let consumer: CdcConsumer;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    gateway = await startOpsGateway({
      env: {
        CDC_TOPIC_PATTERN: `^it-ops-${run}\\.shop\\.[a-z_]+$`,
        KAFKA_GROUP_ID: `it-ops-${run}`,
        CDC_DEAD_LETTER_TOPIC: deadLetterTopic,
      },
    });
    await ensureSearchIndices(gateway.services);
    const kafka = createKafka(gateway.config.kafka, silentLogger);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1 },
        { topic: deadLetterTopic, numPartitions: 1 },
      ],
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    consumer = createCdcRuntime(gateway.services);
    await consumer.start();
  });
  after(async () => {
    await consumer.stop();
    await producer.disconnect();
    await admin.deleteGroups([`it-ops-${run}`]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect();
    await gateway.close();
  });

  it('reports consumer lag, freshness, applied changes and dead letters', async () => {
    const [a, b] = [uniqueId(), uniqueId()];
    await producer.send({
      topic,
      acks: -1,
      messages: [
        debeziumMessage('products', 'c', null, productImage(a), 100),
        debeziumMessage('products', 'c', null, productImage(b), 200),
        { key: 'poison', value: 'not json at all' },
      ],
    });
    let body = '';
    await eventually(
      async () => {
        body = await (await fetch(`${gateway.origin}/metrics`)).text();
        return (
          sum(body, 'gateway_cdc_dead_letters_total') === 1 && sum(body, 'gateway_cdc_changes_applied_total', 'table="products"') === 2
        );
      },
      60_000,
      'the consumer applied the changes and dead-lettered the poison message',
    );
    assert.equal(sum(body, 'gateway_cdc_lag_messages', `topic="${topic}",partition="0"`), 0);
    assert.match(
      body,
      new RegExp(`^gateway_cdc_last_applied_timestamp_seconds\\{topic="${topic.replaceAll('.', '\\.')}",partition="0"\\} \\d+`, 'm'),
    );
    assert.equal(sum(body, 'gateway_cdc_freshness_seconds_count'), 2);
  });
});
