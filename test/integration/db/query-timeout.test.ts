import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { GatewayError } from '../../../src/errors.js';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { col } from '../../../src/rows/column-types.js';
import { defineEntity } from '../../../src/schema/entity.js';

const writerUrl = process.env['MYSQL_WRITER_URL'] ?? 'mysql://shop:shop@127.0.0.1:3306/shop';

describe('per-statement MySQL timeout on the read path', () => {
  const database = `shop_test_${randomBytes(6).toString('hex')}`;
  const admin = createMysqlPool({ url: writerUrl, poolSize: 2 });
  let pool: Pool;
  let locker: PoolConnection;
  const entity = defineEntity({
    name: 'TimeoutProbe',
    table: 'timeout_probe',
    primaryKey: 'id',
    columns: { id: col.bigint(), label: col.string() },
    cache: { ttlSeconds: 60, jitterSeconds: 0, negativeTtlSeconds: 5, onChange: 'write' },
  });

  before(async () => {
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const url = new URL(writerUrl);
    url.pathname = `/${database}`;
    pool = createMysqlPool({ url: url.toString(), poolSize: 3 });
    await pool.query('CREATE TABLE timeout_probe (id BIGINT PRIMARY KEY, label VARCHAR(40) NOT NULL) ENGINE=InnoDB');
    await pool.query("INSERT INTO timeout_probe VALUES (1, 'one')");
    locker = await pool.getConnection();
  });

  after(async () => {
    locker.release();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  it('gives up on a statement blocked past the bound with DATABASE_UNAVAILABLE, and reads again once unblocked', async () => {
    const rows = createRowSource({ pool, metrics: createMetrics(), queryTimeoutMs: 400 });
    // A table write lock held by another session blocks every read of the table: a stand-in for a
    // statement that would otherwise hang the request for as long as the lock is held.
    await locker.query('LOCK TABLES timeout_probe WRITE');
    const started = Date.now();
    try {
      await assert.rejects(rows.selectByIds(entity, ['1']), (error: unknown) => {
        assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
        assert.equal(error.code, 'DATABASE_UNAVAILABLE');
        return true;
      });
      const waited = Date.now() - started;
      assert.ok(waited >= 350 && waited < 5_000, `gave up after ${waited} ms, expected about 400 ms`);
    } finally {
      await locker.query('UNLOCK TABLES');
    }
    const found = await rows.selectByIds(entity, ['1']);
    assert.equal(found.get('1')?.['label'], 'one');
  });
});
