import { col, notNull } from '../../../src/rows/column-types.js';
import { createEntityRegistry } from '../../../src/schema/entity-registry.js';
import { defaultCachePolicy, defineEntity } from '../../../src/schema/entity.js';

/** Entities with every key shape the gateway routes, and key values that exercise them. */
export const UUID = '0b6e0e1c-5f1a-4c55-9d1e-7a0f3c2b9e41';
export const UUID_BYTES = Buffer.from(UUID.replaceAll('-', ''), 'hex');
export const HUGE = '18446744073709551615';
/** HUGE as the signed long Debezium writes with bigint.unsigned.handling.mode=long. */
export const HUGE_AS_LONG = '-1';

export const entities = {
  uuidText: defineEntity({
    name: 'TextKeyed',
    table: 'text_keyed',
    primaryKey: 'id',
    columns: { id: notNull(col.uuid()), label: notNull(col.string()) },
    cache: defaultCachePolicy,
  }),
  uuidBinary: defineEntity({
    name: 'BinaryKeyed',
    table: 'binary_keyed',
    primaryKey: 'id',
    columns: { id: notNull(col.uuidBinary()), label: notNull(col.string()) },
    cache: defaultCachePolicy,
  }),
  unsigned: defineEntity({
    name: 'UnsignedKeyed',
    table: 'unsigned_keyed',
    primaryKey: 'id',
    columns: { id: notNull(col.bigint({ unsigned: true })), label: notNull(col.string()) },
    cache: defaultCachePolicy,
  }),
  composite: defineEntity({
    name: 'CompositeKeyed',
    table: 'composite_keyed',
    primaryKey: ['group_id', 'member_code'],
    columns: { group_id: notNull(col.int()), member_code: notNull(col.string()), label: notNull(col.string()) },
    cache: defaultCachePolicy,
  }),
};
export const registry = createEntityRegistry(Object.values(entities));
export type Shape = keyof typeof entities;
