import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import type { RowSource } from '../../../src/db/row-source.js';
import { createRowSource } from '../../../src/db/row-source.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { col, notNull } from '../../../src/rows/column-types.js';
import { defaultCachePolicy, defineEntity, rowIdOf } from '../../../src/schema/entity.js';

const writerUrl = process.env['MYSQL_WRITER_URL'] ?? 'mysql://shop:shop@127.0.0.1:3306/shop';

/*
 * RowSource's SQL for keys that are not one integer column, against the real MariaDB: composite
 * keys as row constructors (lookups, key-order scans, child pages with cursors both ways) and
 * BINARY(16) UUIDs as byte parameters, keys and foreign keys alike.
 */
describe('RowSource over composite and BINARY(16) keys', () => {
  const database = `shop_test_${randomBytes(6).toString('hex')}`;
  const admin = createMysqlPool({ url: writerUrl, poolSize: 2 });
  let pool: Pool;
  let rows: RowSource;

  const members = defineEntity({
    name: 'Member',
    table: 'members',
    primaryKey: ['group_id', 'code'],
    columns: { group_id: notNull(col.int()), code: notNull(col.string()), owner: col.uuidBinary() },
    cache: defaultCachePolicy,
  });
  const owners = defineEntity({
    name: 'Owner',
    table: 'owners',
    primaryKey: 'id',
    columns: { id: notNull(col.uuidBinary()), name: notNull(col.string()) },
    cache: defaultCachePolicy,
  });
  const ownerA = '00000000-0000-4000-8000-00000000000a';
  const ownerB = 'ffffffff-0000-4000-8000-00000000000b';
  const codes = ['a', 'a:b', 'b"q', 'c,d', 'Z'];
  const id = (group: number, code: string) => JSON.stringify([String(group), code]);

  before(async () => {
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    const url = new URL(writerUrl);
    url.pathname = `/${database}`;
    pool = createMysqlPool({ url: url.toString(), poolSize: 2 });
    rows = createRowSource({ pool, metrics: createMetrics() });
    await pool.query('CREATE TABLE owners (id BINARY(16) NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL)');
    await pool.query(
      'CREATE TABLE members (group_id INT NOT NULL, code VARCHAR(40) NOT NULL, owner BINARY(16) NULL, PRIMARY KEY (group_id, code), KEY (owner))',
    );
    for (const [owner, name] of [
      [ownerA, 'a'],
      [ownerB, 'b'],
    ] as const) {
      await pool.query('INSERT INTO owners VALUES (?, ?)', [Buffer.from(owner.replaceAll('-', ''), 'hex'), name]);
    }
    for (const group of [1, 2]) {
      for (const code of codes) {
        const owner = group === 1 ? ownerA : ownerB;
        await pool.query('INSERT INTO members VALUES (?, ?, ?)', [group, code, Buffer.from(owner.replaceAll('-', ''), 'hex')]);
      }
    }
  });

  after(async () => {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  it('looks rows up by composite and BINARY(16) ids, keyed by their row ids', async () => {
    const wanted = [id(1, 'a:b'), id(2, 'b"q'), id(3, 'a')];
    const found = await rows.selectByIds(members, wanted);
    assert.deepEqual([...found.keys()].sort(), [id(1, 'a:b'), id(2, 'b"q')].sort());
    assert.deepEqual(found.get(id(2, 'b"q')), { group_id: 2, code: 'b"q', owner: ownerB });
    const byUuid = await rows.selectByIds(owners, [ownerA, ownerB]);
    assert.deepEqual(byUuid.get(ownerB), { id: ownerB, name: 'b' });
  });

  it('scans a composite key in key order, one page after another', async () => {
    const seen: string[] = [];
    let afterId: string | null = null;
    for (;;) {
      const page = await rows.selectRange(members, afterId, 3);
      seen.push(...page.map((row) => rowIdOf(row, members)));
      if (page.length < 3) break;
      afterId = rowIdOf(page[page.length - 1]!, members);
    }
    const sortedCodes = [...codes].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(
      seen,
      [1, 2].flatMap((group) => sortedCodes.map((code) => id(group, code))),
    );
  });

  it('pages children by a BINARY(16) foreign key, with cursors on the composite key in both orders', async () => {
    const first = await rows.selectChildIds(members, 'owner', [ownerA, ownerB], { first: 2, after: null, order: 'asc' });
    assert.deepEqual(first.get(ownerA), { ids: [id(1, 'Z'), id(1, 'a')], hasNextPage: true });
    assert.deepEqual(first.get(ownerB)?.ids, [id(2, 'Z'), id(2, 'a')]);
    const next = await rows.selectChildIds(members, 'owner', [ownerA], { first: 10, after: id(1, 'a'), order: 'asc' });
    assert.deepEqual(next.get(ownerA), { ids: [id(1, 'a:b'), id(1, 'b"q'), id(1, 'c,d')], hasNextPage: false });
    const backwards = await rows.selectChildIds(members, 'owner', [ownerA], { first: 2, after: id(1, 'b"q'), order: 'desc' });
    assert.deepEqual(backwards.get(ownerA), { ids: [id(1, 'a:b'), id(1, 'a')], hasNextPage: true });
  });
});
