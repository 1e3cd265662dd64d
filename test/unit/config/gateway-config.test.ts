import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';
import { loadStackConfig } from '../../../src/config/stack-config.js';
import { GatewayError } from '../../../src/errors.js';

function configError(env: Record<string, string>): GatewayError {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error;
  }
  assert.fail('configuration was accepted');
}

describe('gateway configuration', () => {
  it('defaults to the local stack', () => {
    const config = loadGatewayConfig({});
    assert.equal(config.mysql.url, 'mysql://gateway:gateway@127.0.0.1:3306/shop');
    assert.equal(config.redis.url, 'redis://127.0.0.1:6379/0');
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:9092']);
    assert.equal(config.elasticsearch.url, 'http://127.0.0.1:9200');
    assert.equal(config.http.port, 4000);
  });

  it('serves the shop unless GATEWAY_SCHEMA names another schema, whose name picks the default database and topics', () => {
    const shop = loadGatewayConfig({});
    assert.equal(shop.schema, 'shop');
    assert.equal(shop.kafka.topicPattern, '^shop(\\.shop\\.[a-z_]+)?$');
    assert.equal(shop.http.searchPage, true);
    const library = loadGatewayConfig({ GATEWAY_SCHEMA: 'library' });
    assert.equal(library.mysql.url, 'mysql://gateway:gateway@127.0.0.1:3306/library');
    assert.equal(library.mysql.writerUrl, 'mysql://shop:shop@127.0.0.1:3306/library');
    assert.equal(library.kafka.topicPattern, '^library(\\.library\\.[a-z_]+)?$');
    assert.equal(library.http.searchPage, false, "the demo search page searches the shop's products");
    assert.equal(
      loadGatewayConfig({ GATEWAY_SCHEMA: 'library', MYSQL_URL: 'mysql://r:p@db:3306/other' }).mysql.url,
      'mysql://r:p@db:3306/other',
    );
    assert.match(configError({ GATEWAY_SCHEMA: 'My-Db' }).message, /GATEWAY_SCHEMA="My-Db" is invalid/);
  });

  it('follows a changed stack port in the default URLs', () => {
    assert.equal(loadGatewayConfig({ MYSQL_PORT: '3307' }).mysql.url, 'mysql://gateway:gateway@127.0.0.1:3307/shop');
  });

  it("looks for the schema registry two below Kafka Connect's port unless SCHEMA_REGISTRY_PORT says otherwise", () => {
    assert.equal(loadGatewayConfig({}).kafka.schemaRegistryUrl, 'http://127.0.0.1:8081/apis/ccompat/v6');
    assert.equal(loadGatewayConfig({ CONNECT_PORT: '8093' }).kafka.schemaRegistryUrl, 'http://127.0.0.1:8091/apis/ccompat/v6');
    assert.equal(
      loadGatewayConfig({ CONNECT_PORT: '8093', SCHEMA_REGISTRY_PORT: '18081' }).kafka.schemaRegistryUrl,
      'http://127.0.0.1:18081/apis/ccompat/v6',
    );
    assert.equal(loadStackConfig({ CONNECT_PORT: '8113' }, '/tmp').ports.schemaRegistry, 8111);
  });

  it('runs the Avro connector in the stack unless STACK_AVRO_CONNECTOR=false', () => {
    assert.equal(loadStackConfig({}, '/tmp').avroConnector, true);
    assert.equal(loadStackConfig({ STACK_AVRO_CONNECTOR: 'false' }, '/tmp').avroConnector, false);
  });

  it('names the variable of a malformed URL and hides its password', () => {
    const error = configError({ MYSQL_URL: 'mysql//user:secret@db:3306/shop' });
    assert.match(error.message, /^MYSQL_URL=/);
    const wrongProtocol = configError({ REDIS_URL: 'http://user:secret@cache:6379' });
    assert.match(wrongProtocol.message, /REDIS_URL=.*expected a URL with protocol redis: or rediss:/);
    assert.doesNotMatch(wrongProtocol.message, /secret/);
  });

  it('names the variable of a bad port, number, choice or broker list', () => {
    assert.match(configError({ PORT: '99999' }).message, /^PORT="99999" is invalid/);
    assert.match(configError({ MYSQL_POOL_SIZE: 'ten' }).message, /^MYSQL_POOL_SIZE=/);
    assert.match(configError({ CDC_FORMAT: 'avro' }).message, /^CDC_FORMAT=.*one of auto, debezium, debezium-avro, canal, ticdc, maxwell/);
    assert.match(configError({ KAFKA_BROKERS: 'broker-without-port' }).message, /^KAFKA_BROKERS=/);
  });
});
