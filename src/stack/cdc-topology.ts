/**
 * Names shared by the native stack, docker-compose.yml and the consumer: the Debezium connector's
 * settings and the topics it writes. Kept in one place so the two stacks cannot drift apart
 * (test/unit/stack/docker-compose.test.ts compares them).
 */
export const cdcTopology = {
  connectorName: 'shop',
  topicPrefix: 'shop',
  database: 'shop',
  tables: ['categories', 'products', 'users', 'orders', 'order_items', 'commissions'],
  schemaHistoryTopic: 'shop.schema-history',
  deadLetterTopic: 'gateway.dead-letter',
} as const;

export const rowTopicOf = (table: string): string => `${cdcTopology.topicPrefix}.${cdcTopology.database}.${table}`;

export interface ConnectorEndpoints {
  readonly connectorClass: string;
  readonly databaseHost: string;
  readonly databasePort: number;
  readonly user: string;
  readonly password: string;
  readonly kafkaBootstrap: string;
}

/** The Debezium connector configuration, identical for the native stack and docker-compose. */
export function debeziumConnectorConfig(endpoints: ConnectorEndpoints): Record<string, string> {
  return {
    'connector.class': endpoints.connectorClass,
    'tasks.max': '1',
    'database.hostname': endpoints.databaseHost,
    'database.port': String(endpoints.databasePort),
    'database.user': endpoints.user,
    'database.password': endpoints.password,
    // The replication client id; must differ from the database server's own server-id (1).
    'database.server.id': '184054',
    'database.ssl.mode': 'disable',
    'topic.prefix': cdcTopology.topicPrefix,
    'database.include.list': cdcTopology.database,
    'schema.history.internal.kafka.bootstrap.servers': endpoints.kafkaBootstrap,
    'schema.history.internal.kafka.topic': cdcTopology.schemaHistoryTopic,
    'include.schema.changes': 'true',
    // Exact money: DECIMAL as a string rather than base64 bytes whose scale only the schema knows.
    'decimal.handling.mode': 'string',
    'bigint.unsigned.handling.mode': 'long',
    'tombstones.on.delete': 'true',
    // Latency: hand changes to Kafka within milliseconds instead of the 500 ms default poll.
    'poll.interval.ms': '10',
    'max.batch.size': '2048',
    'snapshot.mode': 'initial',
  };
}
