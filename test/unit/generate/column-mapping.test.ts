import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapColumn, UnsupportedColumnError } from '../../../src/generate/column-mapping.js';
import type { ColumnShape } from '../../../src/generate/table-shape.js';

function column(dataType: string, columnType: string, extra: Partial<ColumnShape> = {}): ColumnShape {
  return {
    name: 'c',
    dataType,
    columnType,
    nullable: false,
    maxLength: null,
    numericScale: null,
    datetimePrecision: null,
    jsonCheck: false,
    ...extra,
  };
}

const mapped = (shape: ColumnShape, keyLike = false) => {
  const { declaration, graphql, tsType, asText } = mapColumn('t', shape, keyLike);
  return { declaration, graphql, tsType, asText };
};

describe('column type mapping', () => {
  it('maps every common MySQL type to a column type and a GraphQL type', () => {
    const cases: [ColumnShape, string, string][] = [
      [column('tinyint', 'tinyint(1)'), 'notNull(col.bool())', 'Boolean'],
      [column('tinyint', 'tinyint(4)'), 'notNull(col.int())', 'Int'],
      [column('smallint', 'smallint(5) unsigned'), 'notNull(col.int())', 'Int'],
      [column('mediumint', 'mediumint(9)'), 'notNull(col.int())', 'Int'],
      [column('int', 'int(11)'), 'notNull(col.int())', 'Int'],
      [column('int', 'int(10) unsigned'), 'notNull(col.int())', 'Float'],
      [column('year', 'year(4)'), 'notNull(col.int())', 'Int'],
      [column('bigint', 'bigint(20)'), 'notNull(col.bigint())', 'String'],
      [column('bigint', 'bigint(20) unsigned'), 'notNull(col.bigint({ unsigned: true }))', 'String'],
      [column('decimal', 'decimal(10,3)', { numericScale: 3 }), 'notNull(col.decimal(3))', 'DecimalScalar'],
      [column('double', 'double'), 'notNull(col.float())', 'Float'],
      [column('float', 'float'), 'notNull(col.float())', 'Float'],
      [column('varchar', 'varchar(200)', { maxLength: 200 }), 'notNull(col.string({ maxLength: 200 }))', 'String'],
      [column('char', 'char(2)', { maxLength: 2 }), 'notNull(col.string({ maxLength: 2 }))', 'String'],
      [column('char', 'char(36)', { maxLength: 36 }), 'notNull(col.uuid())', 'String'],
      [column('uuid', 'uuid'), 'notNull(col.uuid())', 'String'],
      [column('text', 'text'), 'notNull(col.string())', 'String'],
      [column('longtext', 'longtext'), 'notNull(col.string())', 'String'],
      [column('longtext', 'longtext', { jsonCheck: true }), 'notNull(col.json())', 'JSONScalar'],
      [column('json', 'json'), 'notNull(col.json())', 'JSONScalar'],
      [column('enum', "enum('a','b')"), 'notNull(col.enum())', 'String'],
      [column('set', "set('a','b')"), 'notNull(col.string())', 'String'],
      [column('binary', 'binary(16)', { maxLength: 16 }), 'notNull(col.uuidBinary())', 'String'],
      [column('binary', 'binary(20)', { maxLength: 20 }), 'notNull(col.binary())', 'String'],
      [column('varbinary', 'varbinary(64)', { maxLength: 64 }), 'notNull(col.binary())', 'String'],
      [column('blob', 'blob'), 'notNull(col.binary())', 'String'],
      [column('bit', 'bit(8)'), 'notNull(col.binary())', 'String'],
      [column('date', 'date'), 'notNull(col.date())', 'String'],
      [column('time', 'time'), 'notNull(col.time())', 'String'],
      [column('datetime', 'datetime(3)', { datetimePrecision: 3 }), 'notNull(col.datetime(3))', 'DateTimeScalar'],
      [column('datetime', 'datetime', { datetimePrecision: 0 }), 'notNull(col.datetime(0))', 'DateTimeScalar'],
      [column('timestamp', 'timestamp(6)', { datetimePrecision: 6 }), 'notNull(col.timestamp(6))', 'DateTimeScalar'],
      [column('point', 'point'), 'notNull(col.binary())', 'String'],
    ];
    for (const [shape, declaration, graphql] of cases) {
      const result = mapped(shape);
      assert.deepEqual([result.declaration, result.graphql], [declaration, graphql], shape.columnType);
    }
  });

  it('leaves notNull off a nullable column and makes key and foreign key columns IDs served as text', () => {
    assert.deepEqual(mapped(column('int', 'int(11)', { nullable: true })), {
      declaration: 'col.int()',
      graphql: 'Int',
      tsType: 'number',
      asText: false,
    });
    assert.deepEqual(mapped(column('int', 'int(11)'), true), {
      declaration: 'notNull(col.int())',
      graphql: 'ID',
      tsType: 'string',
      asText: true,
    });
    assert.equal(mapped(column('bigint', 'bigint(20)')).asText, true, 'a BIGINT beyond 2^53 must reach clients exactly');
  });

  it('explains the mappings a reader could doubt in a comment', () => {
    assert.match(mapColumn('t', column('char', 'char(36)', { maxLength: 36 }), false).comment ?? '', /text UUID/);
    assert.match(mapColumn('t', column('binary', 'binary(16)', { maxLength: 16 }), false).comment ?? '', /UUID/);
    assert.match(mapColumn('t', column('enum', "enum('basic','premium')"), false).comment ?? '', /'basic', 'premium'/);
    assert.equal(mapColumn('t', column('varchar', 'varchar(5)', { maxLength: 5 }), false).comment, undefined);
  });

  it('refuses a type it has no safe mapping for, naming the table and column', () => {
    assert.throws(
      () => mapColumn('readings', { ...column('vector', 'vector(3)'), name: 'embedding' }, false),
      (error: unknown) => error instanceof UnsupportedColumnError && /readings\.embedding: the column type vector\(3\)/.test(error.message),
    );
  });
});
