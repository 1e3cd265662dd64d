import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'mysql2/promise';
import { col } from '../../../src/rows/column-types.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import { defineEntity } from '../../../src/schema/entity.js';
import { productEntity } from '../../../src/schema/product.type.js';
import { shopEntities } from '../../../src/schema/shop-entities.js';
import { searchAlias } from '../../../src/index/index-manager.js';
import type { CdcConsumer } from '../../../src/sync/cdc-consumer.js';
import { createCdcRuntime } from '../../../src/server/cdc-runtime.js';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { startHarness } from '../../support/gateway-harness.js';
import { createWriterPool, execute } from '../../support/writer.js';

describe('a column added to a declared table', () => {
  const column = `it_note_${randomBytes(3).toString('hex')}`;
  let gateway: GatewayHarness;
  let writer: Pool;
  let consumer: CdcConsumer;

  before(async () => {
    writer = createWriterPool();
    // The index is created from today's declaration, which does not know the column yet.
    gateway = await startHarness({ env: { KAFKA_GROUP_ID: `it-ddl-${column}` } });
    // The new release declares the column and its search field; the consumer runs with it.
    const search = productEntity.search;
    const extended = defineEntity({
      ...productEntity,
      columns: { ...productEntity.columns, [column]: col.string() },
      search: { ...search, properties: { ...search.properties, [column]: { type: 'keyword' } } },
    });
    const registry = createEntityRegistry(shopEntities.map((entity) => (entity === productEntity ? extended : entity)));
    consumer = createCdcRuntime({ ...gateway.services, registry });
    await consumer.start();
  });
  after(async () => {
    await consumer.stop();
    await execute(writer, `ALTER TABLE products DROP COLUMN IF EXISTS ${column}`);
    await writer.end();
    await gateway.close();
  });

  it('reaches the live index mapping when its DDL event arrives, with no reindex', async () => {
    const index = searchAlias(gateway.config.elasticsearch.indexPrefix, productEntity.search);
    const mappedFields = async () => {
      const mappings = await gateway.services.search.indices.getMapping({ index });
      return Object.values(mappings).flatMap((entry) => Object.keys(entry.mappings.properties ?? {}));
    };
    assert.ok(!(await mappedFields()).includes(column), 'not mapped before the DDL');
    const schemaChangesBefore = gateway.services.metrics.snapshot().cdc_schema_changes;
    await execute(writer, `ALTER TABLE products ADD COLUMN ${column} VARCHAR(40) NULL`);
    const deadline = Date.now() + 60_000;
    while (!(await mappedFields()).includes(column) && Date.now() < deadline) await sleep(200);
    assert.ok((await mappedFields()).includes(column), 'mapped after the DDL');
    assert.ok(gateway.services.metrics.snapshot().cdc_schema_changes > schemaChangesBefore, 'the DDL event was counted');
  });
});
