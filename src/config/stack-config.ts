import { join } from 'node:path';
import type { Env } from './env-readers.js';
import { readBoolean, readInteger, readPort, readString } from './env-readers.js';

/** Where the native development stack lives, which ports it uses and which versions it installs. */
export interface StackConfig {
  readonly root: string;
  readonly repoRoot: string;
  readonly ports: {
    readonly mysql: number;
    readonly redis: number;
    readonly kafka: number;
    readonly kafkaController: number;
    /** A second Kafka listener, SASL/PLAIN: where the gateway's Kafka credentials are tested. */
    readonly kafkaSasl: number;
    readonly elasticsearch: number;
    readonly elasticsearchTransport: number;
    readonly connect: number;
    readonly schemaRegistry: number;
  };
  readonly versions: {
    readonly kafka: string;
    readonly elasticsearch: string;
    readonly debezium: string;
  };
  readonly readyTimeoutMs: number;
  /** OS user Elasticsearch runs as: it refuses to run as root. */
  readonly elasticsearchUser: string;
  readonly elasticsearchHeap: string;
  readonly kafkaPartitions: number;
  /**
   * Whether Kafka Connect also runs the Avro connector (the same tables again, as Avro through the
   * registry). On by default, the Avro tests need it; off saves the second binlog reader's CPU,
   * e.g. for benchmarks of the JSON pipeline.
   */
  readonly avroConnector: boolean;
}

/**
 * 8081 (the Confluent registry's usual port) beside Kafka Connect's 8083: two below CONNECT_PORT,
 * so a stack whose ports are all moved by an offset (several stacks on one machine) moves this one
 * with them without a new setting.
 */
export function defaultSchemaRegistryPort(env: Env): number {
  return readPort(env, 'CONNECT_PORT', 8083) - 2;
}

export function loadStackConfig(env: Env, repoRoot: string): StackConfig {
  return {
    root: readString(env, 'STACK_DIR', join(repoRoot, '.stack')),
    repoRoot,
    ports: {
      mysql: readPort(env, 'MYSQL_PORT', 3306),
      redis: readPort(env, 'REDIS_PORT', 6379),
      kafka: readPort(env, 'KAFKA_PORT', 9092),
      kafkaController: readPort(env, 'KAFKA_CONTROLLER_PORT', 9093),
      kafkaSasl: readPort(env, 'KAFKA_SASL_PORT', 9094),
      elasticsearch: readPort(env, 'ELASTICSEARCH_PORT', 9200),
      elasticsearchTransport: readPort(env, 'ELASTICSEARCH_TRANSPORT_PORT', 9300),
      connect: readPort(env, 'CONNECT_PORT', 8083),
      schemaRegistry: readPort(env, 'SCHEMA_REGISTRY_PORT', defaultSchemaRegistryPort(env)),
    },
    versions: {
      kafka: readString(env, 'KAFKA_VERSION', '3.9.1'),
      elasticsearch: readString(env, 'ELASTICSEARCH_VERSION', '8.19.4'),
      debezium: readString(env, 'DEBEZIUM_VERSION', '3.2.0.Final'),
    },
    readyTimeoutMs: readInteger(env, 'STACK_READY_TIMEOUT_S', 180, { min: 5, max: 3600 }) * 1000,
    elasticsearchUser: readString(env, 'STACK_ELASTICSEARCH_USER', 'gateway-es'),
    elasticsearchHeap: readString(env, 'STACK_ELASTICSEARCH_HEAP', '1g'),
    kafkaPartitions: readInteger(env, 'STACK_KAFKA_PARTITIONS', 3, { min: 1, max: 64 }),
    avroConnector: readBoolean(env, 'STACK_AVRO_CONNECTOR', true),
  };
}
