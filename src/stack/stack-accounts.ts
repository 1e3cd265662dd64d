/**
 * Accounts of the local development stack only. A real deployment passes its own credentials through
 * MYSQL_URL and friends; these never leave 127.0.0.1.
 */
export const stackAccounts = {
  /** The gateway's read-only account (MYSQL_URL). */
  gateway: { user: 'gateway', password: 'gateway' },
  /** The shop application's own writer: migrations, demo data, tests, benchmark writers (MYSQL_WRITER_URL). */
  writer: { user: 'shop', password: 'shop' },
  /** Debezium's replication account. */
  cdc: { user: 'debezium', password: 'debezium' },
  /** The gateway's account on Kafka's SASL/PLAIN listener (KAFKA_SASL_PORT). */
  kafkaSasl: { user: 'gateway', password: 'gateway-sasl' },
  database: 'shop',
  /** The example library database (migrations/library), served with GATEWAY_SCHEMA=library. */
  libraryDatabase: 'library',
} as const;
