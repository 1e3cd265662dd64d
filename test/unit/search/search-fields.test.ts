import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnType } from '../../../src/rows/column-types.js';
import type { EntityDeclaration } from '../../../src/schema/entity.js';
import { cents, lineCents, suggestionInputs } from '../../../src/schema/search-fields.js';
import { createShopRegistry } from '../../../src/schema/shop-entities.js';
import { declaredColumns, projectionDigest } from '../../../src/sync/appliers/elasticsearch/embed-relevance.js';
import type { Row, RowValue } from '../../../src/rows/row.js';

describe('document helpers', () => {
  it('converts money to cents and line totals exactly, or to null', () => {
    assert.equal(cents('12.34'), 1234);
    assert.equal(cents(null), null);
    assert.equal(lineCents(3, '0.10'), 30);
    assert.equal(lineCents('3', '0.10'), null);
  });

  it('offers the whole name, each later word onwards and the brand as completion inputs', () => {
    assert.deepEqual(suggestionInputs('Silk Pillowcase (真丝枕套)', 'Muji'), [
      'Silk Pillowcase (真丝枕套)',
      'Pillowcase (真丝枕套)',
      '(真丝枕套)',
      'Muji',
    ]);
    assert.deepEqual(suggestionInputs(null, '  '), []);
    assert.equal(suggestionInputs('a b c d e f g h', 'Brand').length, 6, 'five from the name, then the brand');
  });
});

/** A value of the column's type; `variant` gives a different one. */
function sample(type: ColumnType, variant: number): RowValue {
  switch (type.kind) {
    case 'int':
    case 'bigint':
      return 10 + variant;
    case 'decimal':
      return `${10 + variant}.00`;
    case 'bool':
      return variant % 2 === 0;
    case 'datetime':
    case 'timestamp':
      return `2025-03-0${1 + variant}T00:00:00.000Z`;
    case 'json':
      return [variant];
    default:
      return `value-${variant}`;
  }
}

function sampleRow(entity: EntityDeclaration, variant: number): Row {
  return Object.fromEntries(Object.entries(entity.columns).map(([column, type]) => [column, sample(type, variant)]));
}

describe('selective embeds', () => {
  const registry = createShopRegistry();

  it('list every related column their documents read: changing any other one changes no document', () => {
    for (const entity of registry.entities) {
      for (const relation of entity.search?.embeds ?? []) {
        const columns = declaredColumns(relation);
        if (columns === null || entity.search === undefined) continue;
        const related = registry.byTable(relation.table) as EntityDeclaration;
        const row = sampleRow(entity, 0);
        const base = sampleRow(related, 0);
        const document = entity.search.toDocument(row, { [relation.table]: base });
        for (const column of Object.keys(related.columns).filter((name) => !columns.includes(name))) {
          const changed = entity.search.toDocument(row, { [relation.table]: { ...base, [column]: sampleRow(related, 1)[column] ?? null } });
          assert.deepEqual(changed, document, `${entity.search.index} reads ${relation.table}.${column}, which its embed does not declare`);
        }
      }
    }
  });

  it('digest the declared columns only, and a deleted row apart', () => {
    const row: Row = { id: 1, category_id: 4, brand: 'Acme', stock: 3 };
    assert.equal(projectionDigest(row, ['category_id', 'brand']), projectionDigest({ ...row, stock: 99 }, ['category_id', 'brand']));
    assert.notEqual(
      projectionDigest(row, ['category_id', 'brand']),
      projectionDigest({ ...row, brand: 'Other' }, ['category_id', 'brand']),
    );
    assert.equal(projectionDigest(null, ['brand']), 'deleted');
  });
});
