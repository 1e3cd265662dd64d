import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics, operationLabel } from '../../../src/observability/metrics.js';

/** The value of one sample line of the exposition, e.g. `gateway_cache_hits_total{entity="products"}`. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  it('keeps the in-memory view (snapshot, detailed, gauges) and exports the same numbers to Prometheus', async () => {
    const metrics = createMetrics();
    metrics.increment('cache_hits', { entity: 'products' }, 3);
    metrics.increment('cache_hits', { entity: 'users' });
    metrics.setGauge('cdc_lag', { topic: 't', partition: '0' }, 7);
    metrics.setGauge('cdc_last_applied_ms', { topic: 't', partition: '0' }, 1_700_000_000_000);
    assert.equal(metrics.snapshot().cache_hits, 4);
    assert.equal(metrics.detailed().get('cache_hits{entity=products}'), 3);
    assert.equal(metrics.gauges().get('cdc_lag{topic=t,partition=0}'), 7);
    const { body, contentType } = await metrics.expose();
    assert.match(contentType, /^text\/plain/);
    assert.equal(sample(body, 'gateway_cache_hits_total{entity="products"}'), 3);
    assert.equal(sample(body, 'gateway_cdc_lag_messages{topic="t",partition="0"}'), 7);
    assert.equal(sample(body, 'gateway_cdc_last_applied_timestamp_seconds{topic="t",partition="0"}'), 1_700_000_000);
  });

  it('records latency histograms for operations, SQL, Elasticsearch and CDC freshness', async () => {
    const metrics = createMetrics();
    metrics.observeRequest('ProductPage', 'ok', 3);
    metrics.observeSql('products', 2);
    metrics.observeSearch('_search', 12);
    metrics.observeCdcFreshness(250);
    const { body } = await metrics.expose();
    assert.equal(sample(body, 'gateway_graphql_request_duration_seconds_count{operation="ProductPage",outcome="ok"}'), 1);
    assert.equal(sample(body, 'gateway_sql_query_duration_seconds_count{table="products"}'), 1);
    assert.equal(sample(body, 'gateway_sql_queries_total{table="products"}'), 1);
    assert.equal(sample(body, 'gateway_elasticsearch_request_duration_seconds_count{endpoint="_search"}'), 1);
    assert.equal(sample(body, 'gateway_cdc_freshness_seconds_bucket{le="0.25"}'), 1);
    assert.equal(metrics.cdcFreshness().lastMs, 250);
  });

  it('includes process metrics only when asked', async () => {
    assert.match((await createMetrics({ processMetrics: true }).expose()).body, /^process_cpu_user_seconds_total /m);
    assert.doesNotMatch((await createMetrics().expose()).body, /process_cpu_user_seconds_total/);
  });

  it('bounds the operation label: only GraphQL names, and at most 200 of them', async () => {
    assert.equal(operationLabel(undefined), 'anonymous');
    assert.equal(operationLabel('bad name"}'), 'invalid');
    const metrics = createMetrics();
    for (let index = 0; index < 250; index += 1) metrics.observeRequest(`Op${index}`, 'ok', 1);
    const { body } = await metrics.expose();
    assert.equal(sample(body, 'gateway_graphql_request_duration_seconds_count{operation="other",outcome="ok"}'), 50);
  });

  it('refuses a label the catalogue does not declare, so a new caller fails in its first test', () => {
    assert.throws(() => createMetrics().increment('cache_hits', { table: 'products' }), /label/);
  });
});
