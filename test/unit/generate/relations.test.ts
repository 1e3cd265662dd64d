import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableNamesOf } from '../../../src/generate/naming.js';
import { relationsOf } from '../../../src/generate/relations.js';
import type { ColumnShape, ForeignKeyShape, TableShape } from '../../../src/generate/table-shape.js';

const intColumn = (name: string): ColumnShape => ({
  name,
  dataType: 'int',
  columnType: 'int(11)',
  nullable: false,
  maxLength: null,
  numericScale: null,
  datetimePrecision: null,
  jsonCheck: false,
});

function table(name: string, columns: string[], primaryKey: string[], foreignKeys: Omit<ForeignKeyShape, 'table'>[] = []): TableShape {
  return {
    database: 'db',
    name,
    columns: columns.map(intColumn),
    primaryKey,
    foreignKeys: foreignKeys.map((fk) => ({ ...fk, table: name })),
  };
}

describe('relations from foreign keys', () => {
  it('gives the child a belongs-to field and the parent a has-many field', () => {
    const relations = relationsOf([
      table('authors', ['id'], ['id']),
      table(
        'books',
        ['id', 'author_id'],
        ['id'],
        [{ name: 'fk_a', columns: ['author_id'], referencedTable: 'authors', referencedColumns: ['id'] }],
      ),
    ]);
    assert.deepEqual(relations.get('books')?.relations, [{ kind: 'belongsTo', field: 'author', table: 'authors', columns: ['author_id'] }]);
    assert.deepEqual(relations.get('authors')?.relations, [{ kind: 'hasMany', field: 'books', table: 'books', foreignKey: 'author_id' }]);
  });

  it('names two foreign keys to the same table by their columns, and orders composite ones by the parent key', () => {
    const relations = relationsOf([
      table('users', ['id'], ['id']),
      table('lockers', ['owner_id', 'slot'], ['owner_id', 'slot']),
      table(
        'transfers',
        ['id', 'sender', 'receiver_id', 'shelf_slot', 'shelf_owner'],
        ['id'],
        [
          { name: 'fk_1', columns: ['sender'], referencedTable: 'users', referencedColumns: ['id'] },
          { name: 'fk_2', columns: ['receiver_id'], referencedTable: 'users', referencedColumns: ['id'] },
          { name: 'fk_3', columns: ['shelf_slot', 'shelf_owner'], referencedTable: 'lockers', referencedColumns: ['slot', 'owner_id'] },
        ],
      ),
    ]);
    assert.deepEqual(
      relations.get('transfers')?.relations.map((relation) => [relation.field, relation.kind === 'belongsTo' ? relation.columns : null]),
      [
        ['userBySender', ['sender']],
        ['receiver', ['receiver_id']],
        ['lockerByShelfSlotShelfOwner', ['shelf_owner', 'shelf_slot']],
      ],
    );
    assert.deepEqual(
      relations.get('users')?.relations.map((relation) => relation.field),
      ['transfersBySender', 'transfersByReceiverId'],
    );
    assert.deepEqual(relations.get('lockers')?.relations, []);
    assert.match(relations.get('lockers')?.skipped[0]?.reason ?? '', /composite foreign key/);
  });

  it('skips, with a reason, a foreign key to a table that is not generated or to a key that is not primary', () => {
    const relations = relationsOf([
      table('codes', ['id', 'code'], ['id']),
      table(
        'uses',
        ['id', 'code', 'other_id'],
        ['id'],
        [
          { name: 'fk_code', columns: ['code'], referencedTable: 'codes', referencedColumns: ['code'] },
          { name: 'fk_other', columns: ['other_id'], referencedTable: 'others', referencedColumns: ['id'] },
        ],
      ),
    ]);
    assert.deepEqual(relations.get('uses')?.relations, []);
    assert.deepEqual(
      relations.get('uses')?.skipped.map((skip) => skip.foreignKey),
      ['fk_code', 'fk_other'],
    );
  });

  it('keeps a relation from taking a column field name', () => {
    const relations = relationsOf([
      table('authors', ['id'], ['id']),
      table(
        'books',
        ['id', 'author', 'author_id'],
        ['id'],
        [{ name: 'fk_a', columns: ['author_id'], referencedTable: 'authors', referencedColumns: ['id'] }],
      ),
    ]);
    assert.equal(relations.get('books')?.relations[0]?.field, 'authorByAuthorId');
  });
});

describe('names from tables', () => {
  it('derives type, fields and file names from plural snake_case tables', () => {
    assert.deepEqual(tableNamesOf('order_items'), {
      typeName: 'OrderItem',
      field: 'orderItem',
      pluralField: 'orderItems',
      fileName: 'order-item.type.ts',
    });
    assert.deepEqual(tableNamesOf('categories'), {
      typeName: 'Category',
      field: 'category',
      pluralField: 'categories',
      fileName: 'category.type.ts',
    });
    assert.deepEqual(tableNamesOf('addresses'), {
      typeName: 'Address',
      field: 'address',
      pluralField: 'addresses',
      fileName: 'address.type.ts',
    });
    assert.equal(tableNamesOf('statuses').typeName, 'Status');
    assert.deepEqual(tableNamesOf('warehouses'), {
      typeName: 'Warehouse',
      field: 'warehouse',
      pluralField: 'warehouses',
      fileName: 'warehouse.type.ts',
    });
    assert.deepEqual(
      ['houses', 'causes', 'buses'].map((table) => tableNamesOf(table).typeName),
      ['House', 'Cause', 'Bus'],
    );
    assert.deepEqual([tableNamesOf('shelves').typeName, tableNamesOf('shelves').pluralField], ['Shelf', 'shelves']);
  });
});
