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

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configEntries?: readonly { name: string; value: string }[];
}

/** Every topic the stack pre-creates (kafkajs mishandles auto-created topics on KRaft). */
export function cdcTopics(partitions: number): TopicSpec[] {
  return [
    ...cdcTopology.tables.map((table) => ({ topic: rowTopicOf(table), numPartitions: partitions })),
    // Schema changes and schema history must stay in order: one partition each.
    { topic: cdcTopology.topicPrefix, numPartitions: 1 },
    { topic: cdcTopology.schemaHistoryTopic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
    { topic: cdcTopology.deadLetterTopic, numPartitions: 1 },
  ];
}

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
    // Only the tables the gateway serves: bookkeeping tables (schema_migrations) stay out of Kafka.
    'table.include.list': cdcTopology.tables.map((table) => `${cdcTopology.database}.${table}`).join(','),
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
    // After a database restart the binlog reader stops without an error and only reconnects when
    // the keep-alive check runs: every 60 s by default, i.e. a minute with no changes flowing.
    'connect.keep.alive.interval.ms': '5000',
  };
}
