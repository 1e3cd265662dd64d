import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'mysql2/promise';
import { col, notNull } from '../../../src/rows/column-types.js';
import { defaultCachePolicy, defineEntity } from '../../../src/schema/entity.js';
import type { EntityDeclaration } from '../../../src/schema/entity.js';
import type { Row } from '../../../src/rows/row.js';
import { debeziumAvroConnectorConfig, debeziumConnectorConfig } from '../../../src/stack/cdc-topology.js';
import { stackAccounts } from '../../../src/stack/stack-accounts.js';
import { execute } from '../../support/writer.js';

/**
 * Tables with the key shapes real schemas use, created in the shop database for one test run, and
 * their declarations. Every table has a NOT NULL `label` the tests change and a nullable `note`.
 */
export interface KeyShapeTables {
  readonly uuidText: EntityDeclaration;
  readonly uuidBinary: EntityDeclaration;
  readonly unsigned: EntityDeclaration;
  readonly composite: EntityDeclaration;
}

export const entitiesOf = (tables: KeyShapeTables): EntityDeclaration[] => [
  tables.uuidText,
  tables.uuidBinary,
  tables.unsigned,
  tables.composite,
];

const labelled = { label: notNull(col.string()), note: col.string() };

export function keyShapeTables(suffix: string): KeyShapeTables {
  const entity = (name: string, table: string, primaryKey: string | readonly string[], key: EntityDeclaration['columns']) =>
    defineEntity({ name, table, primaryKey, columns: { ...key, ...labelled }, cache: defaultCachePolicy });
  return {
    uuidText: entity('UuidTextKeyed', `it_keys_text_${suffix}`, 'id', { id: notNull(col.uuid()) }),
    uuidBinary: entity('UuidBinaryKeyed', `it_keys_binary_${suffix}`, 'id', { id: notNull(col.uuidBinary()) }),
    unsigned: entity('UnsignedKeyed', `it_keys_unsigned_${suffix}`, 'id', { id: notNull(col.bigint({ unsigned: true })) }),
    composite: entity('CompositeKeyed', `it_keys_composite_${suffix}`, ['group_id', 'member_code'], {
      group_id: notNull(col.int()),
      member_code: notNull(col.string()),
    }),
  };
}

const LABELS = 'label VARCHAR(100) NOT NULL, note VARCHAR(100) NULL';

export async function createKeyShapeTables(writer: Pool, tables: KeyShapeTables): Promise<void> {
  const ddl = [
    `CREATE TABLE ${tables.uuidText.table} (id CHAR(36) NOT NULL PRIMARY KEY, ${LABELS})`,
    `CREATE TABLE ${tables.uuidBinary.table} (id BINARY(16) NOT NULL PRIMARY KEY, ${LABELS})`,
    `CREATE TABLE ${tables.unsigned.table} (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, ${LABELS})`,
    `CREATE TABLE ${tables.composite.table} (group_id INT NOT NULL, member_code VARCHAR(40) NOT NULL, ${LABELS}, ` +
      'PRIMARY KEY (group_id, member_code))',
  ];
  for (const statement of ddl) await execute(writer, `${statement} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
}

export async function dropKeyShapeTables(writer: Pool, tables: KeyShapeTables): Promise<void> {
  for (const entity of entitiesOf(tables)) await execute(writer, `DROP TABLE IF EXISTS ${entity.table}`);
}

/**
 * A Debezium connector of this run's own, capturing only its tables: the project's connector settings
 * (src/stack/cdc-topology.ts: bigint.unsigned.handling.mode, binary handling, decimals) with its own
 * server id, topic prefix and schema history, so the shop connector and other runs are untouched.
 */
export interface RunConnector {
  readonly name: string;
  readonly topicPrefix: string;
  readonly rowTopics: readonly string[];
  readonly schemaHistoryTopic: string;
  remove(): Promise<void>;
}

export async function startRunConnector(options: {
  readonly connectUrl: string;
  readonly mysqlUrl: string;
  readonly kafkaBootstrap: string;
  readonly suffix: string;
  readonly tables: readonly string[];
  /** Set: the Avro connector's settings (Apicurio converters, Confluent wire format) through this registry API. */
  readonly avroRegistryApiUrl?: string;
}): Promise<RunConnector> {
  const { connectUrl, suffix } = options;
  const mysql = new URL(options.mysqlUrl);
  const name = `it-keys-${suffix}`;
  const topicPrefix = `itkeys${suffix}`;
  const schemaHistoryTopic = `${topicPrefix}.schema-history`;
  const endpoints = {
    connectorClass: 'io.debezium.connector.mariadb.MariaDbConnector',
    databaseHost: mysql.hostname,
    databasePort: Number(mysql.port),
    user: stackAccounts.cdc.user,
    password: stackAccounts.cdc.password,
    kafkaBootstrap: options.kafkaBootstrap,
  };
  const config = {
    ...(options.avroRegistryApiUrl === undefined
      ? debeziumConnectorConfig(endpoints)
      : debeziumAvroConnectorConfig(endpoints, options.avroRegistryApiUrl)),
    'database.server.id': String(300_000 + Math.floor(Math.random() * 1_000_000)),
    'topic.prefix': topicPrefix,
    'table.include.list': options.tables.map((table) => `shop.${table}`).join(','),
    'schema.history.internal.kafka.topic': schemaHistoryTopic,
    'include.schema.changes': 'false',
    // The tables are empty and new: only their schemas are read, then the binlog from now on.
    'snapshot.mode': 'no_data',
  };
  const response = await fetch(`${connectUrl}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, config }),
  });
  assert.ok(response.ok, `creating connector ${name}: ${response.status} ${await response.text()}`);
  await waitForConnectorRunning(connectUrl, name);
  return {
    name,
    topicPrefix,
    rowTopics: options.tables.map((table) => `${topicPrefix}.shop.${table}`),
    schemaHistoryTopic,
    async remove() {
      await fetch(`${connectUrl}/connectors/${name}`, { method: 'DELETE' });
    },
  };
}

async function waitForConnectorRunning(connectUrl: string, name: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${connectUrl}/connectors/${name}/status`);
    last = await response.text();
    if (response.ok) {
      const status = JSON.parse(last) as { connector?: { state?: string }; tasks?: { state?: string; trace?: string }[] };
      const task = status.tasks?.[0];
      if (task?.state === 'FAILED') assert.fail(`connector ${name} failed: ${task.trace?.slice(0, 2000) ?? last}`);
      if (status.connector?.state === 'RUNNING' && task?.state === 'RUNNING') return;
    }
    await sleep(250);
  }
  assert.fail(`connector ${name} not running within 120 s: ${last}`);
}

/** A row of each key shape, unique to this run: key values, then the id the gateway gives it. */
export function sampleKeys(tables: KeyShapeTables) {
  const uuid = () => {
    const bytes = randomBytes(16);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  // Beyond 2^63: Debezium's bigint.unsigned.handling.mode=long sends it as a negative long.
  const huge = ((1n << 64n) - 1n - BigInt(randomBytes(4).readUInt32BE(0))).toString();
  // Between 2^53 and 2^63: exact only if the JSON is parsed losslessly.
  const large = ((1n << 53n) + 1n + BigInt(randomBytes(4).readUInt32BE(0))).toString();
  const text = uuid();
  const binary = uuid();
  const group = 1 + randomBytes(3).readUIntBE(0, 3);
  return [
    { entity: tables.uuidText, key: { id: text }, id: text },
    { entity: tables.uuidBinary, key: { id: binary }, id: binary },
    { entity: tables.unsigned, key: { id: huge }, id: huge },
    { entity: tables.unsigned, key: { id: large }, id: large },
    { entity: tables.composite, key: { group_id: group, member_code: 'm,"1 ☕' }, id: JSON.stringify([String(group), 'm,"1 ☕']) },
  ] as const;
}

/** The key as Debezium's JSON converter writes it (binary.handling.mode=bytes: base64; long for unsigned). */
export function debeziumImage(entity: EntityDeclaration, key: Readonly<Record<string, unknown>>): Row {
  return Object.fromEntries(
    Object.entries(key).map(([column, value]) => {
      const type = entity.columns[column];
      if (type?.kind === 'uuidBinary') return [column, Buffer.from(String(value).replaceAll('-', ''), 'hex').toString('base64')];
      return [column, value as string | number];
    }),
  );
}
