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

/**
 * The second connector: the same tables as Avro through the schema registry (Confluent wire
 * format), to its own topics, for teams whose Debezium runs with Avro converters.
 */
export const avroTopology = {
  connectorName: 'shop-avro',
  topicPrefix: 'shopavro',
  schemaHistoryTopic: 'shopavro.schema-history',
} as const;

export const avroRowTopicOf = (table: string): string => `${avroTopology.topicPrefix}.${cdcTopology.database}.${table}`;

/**
 * The example library database (migrations/library): its own connector and topic prefix, so its
 * topics (`library.library.<table>`) and schema changes (`library`) are apart from the shop's and a
 * gateway serving it (GATEWAY_SCHEMA=library) consumes only them.
 */
export const libraryTopology = {
  connectorName: 'library',
  topicPrefix: 'library',
  database: 'library',
  tables: ['authors', 'genres', 'books', 'members', 'loans'],
  schemaHistoryTopic: 'library.schema-history',
  serverId: '184056',
} as const;

export const libraryRowTopicOf = (table: string): string => `${libraryTopology.topicPrefix}.${libraryTopology.database}.${table}`;

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
    ...cdcTopology.tables.map((table) => ({ topic: avroRowTopicOf(table), numPartitions: partitions })),
    { topic: avroTopology.topicPrefix, numPartitions: 1 },
    { topic: avroTopology.schemaHistoryTopic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
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

/** The library connector's topics, created beside the shop's (docker-compose.yml's kafka-init too). */
export function libraryCdcTopics(partitions: number): TopicSpec[] {
  return [
    ...libraryTopology.tables.map((table) => ({ topic: libraryRowTopicOf(table), numPartitions: partitions })),
    { topic: libraryTopology.topicPrefix, numPartitions: 1 },
    { topic: libraryTopology.schemaHistoryTopic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
  ];
}

/** The library connector: the shop connector's settings over the library database, in its own name space. */
export function debeziumLibraryConnectorConfig(endpoints: ConnectorEndpoints): Record<string, string> {
  const { database, tables } = libraryTopology;
  return {
    ...debeziumConnectorConfig(endpoints),
    'database.server.id': libraryTopology.serverId,
    'topic.prefix': libraryTopology.topicPrefix,
    'database.include.list': database,
    'table.include.list': tables.map((table) => `${database}.${table}`).join(','),
    'schema.history.internal.kafka.topic': libraryTopology.schemaHistoryTopic,
  };
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
    // Keys stay plain JSON numbers; BIGINT UNSIGNED values of 2^63 and more arrive as negative longs,
    // which the normalizer unwraps for columns declared unsigned (docs/entity-keys.md). `precise`
    // would send them as base64 decimals whose meaning needs the schema the JSON converter drops.
    'bigint.unsigned.handling.mode': 'long',
    // BINARY/VARBINARY (BINARY(16) UUID keys) as base64 text; the default, stated because ids depend on it.
    'binary.handling.mode': 'bytes',
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

/** Apicurio's converter, writing the Confluent wire format: magic byte 0, then the 4-byte content id. */
function apicurioAvroConverter(side: 'key' | 'value', registryApiUrl: string): Record<string, string> {
  const prefix = `${side}.converter`;
  return {
    [prefix]: 'io.apicurio.registry.utils.converter.AvroConverter',
    [`${prefix}.apicurio.registry.url`]: registryApiUrl,
    [`${prefix}.apicurio.registry.auto-register`]: 'true',
    [`${prefix}.apicurio.registry.find-latest`]: 'true',
    [`${prefix}.apicurio.registry.as-confluent`]: 'true',
    // The Confluent API's schema ids are Apicurio's content ids (legacy id mode off).
    [`${prefix}.apicurio.registry.use-id`]: 'contentId',
    [`${prefix}.apicurio.registry.headers.enabled`]: 'false',
    // Schemas it registered stay cached for a day: a registry outage stops nothing until the
    // table's schema changes (the default 30 s would make every outage fail the task).
    [`${prefix}.apicurio.registry.check-period-ms`]: '86400000',
  };
}

/**
 * The Avro connector: the JSON connector's settings with its own name space (server id, topic
 * prefix, schema history) and the registry-aware converters. DECIMAL travels as Avro's decimal
 * logical type, exact, instead of a string.
 */
export function debeziumAvroConnectorConfig(endpoints: ConnectorEndpoints, registryApiUrl: string): Record<string, string> {
  return {
    ...debeziumConnectorConfig(endpoints),
    'database.server.id': '184055',
    'topic.prefix': avroTopology.topicPrefix,
    'schema.history.internal.kafka.topic': avroTopology.schemaHistoryTopic,
    'decimal.handling.mode': 'precise',
    'schema.name.adjustment.mode': 'avro',
    ...apicurioAvroConverter('key', registryApiUrl),
    ...apicurioAvroConverter('value', registryApiUrl),
  };
}
