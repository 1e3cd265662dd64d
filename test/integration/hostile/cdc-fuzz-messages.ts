import type { Random } from '../../../src/demo/seeded-random.js';
import { debeziumMessage, productImage, ticdcKeyOnly } from '../sync/cdc-messages.js';

/** A CDC message no decoder may accept: it must end in the dead-letter topic. */
export interface HostileMessage {
  readonly category: string;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer;
}

/** Kafka's default max.message.bytes (the stack creates its CDC and dead-letter topics with it). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

const BASE_POS = 4_000_000;
type Json = Record<string, unknown>;

function validDebezium(random: Random, id: number): { key: string; value: Json } {
  const message = debeziumMessage(
    'products',
    random.pick(['c', 'u'] as const),
    null,
    productImage(id),
    BASE_POS + random.int(0, 1_000_000),
  );
  return { key: message.key, value: JSON.parse(message.value) as Json };
}

function validCanal(id: number): Json {
  return {
    id: 1,
    database: 'shop',
    table: 'products',
    pkNames: ['id'],
    isDdl: false,
    type: 'INSERT',
    es: 1_740_824_162_000,
    ts: 1_740_824_162_500,
    sql: '',
    sqlType: { id: -5, name: 12 },
    mysqlType: { id: 'bigint(20)', name: 'varchar(255)' },
    data: [{ id: String(id), name: 'Mug' }],
    old: null,
  };
}

function validMaxwell(id: number): Json {
  return {
    database: 'shop',
    table: 'products',
    type: 'insert',
    ts: 1_740_824_162,
    xid: 1,
    commit: true,
    position: 'mariadb-bin.000004:4400',
    data: { id, name: 'Mug' },
  };
}

/** Replaces the value at a dotted path; a parent already replaced by a non-object stays as it is. */
function withValue(message: Json, path: string, value: unknown): Json {
  const copy = structuredClone(message);
  const parts = path.split('.');
  let target: unknown = copy;
  for (const part of parts.slice(0, -1)) target = typeof target === 'object' && target !== null ? (target as Json)[part] : undefined;
  if (typeof target === 'object' && target !== null) (target as Json)[parts[parts.length - 1]!] = value;
  return copy;
}

function truncatedJson(random: Random, id: number): HostileMessage {
  const text = random.pick([
    () => JSON.stringify(validDebezium(random, id).value),
    () => JSON.stringify(validCanal(id)),
    () => JSON.stringify(validMaxwell(id)),
    () => ticdcKeyOnly(id).value,
  ])();
  // Any proper prefix of a JSON object is invalid; at least one byte so it is not a tombstone.
  return { category: 'truncated-json', key: JSON.stringify({ id }), value: text.slice(0, random.int(1, text.length - 1)) };
}

const WRONG_TYPES: readonly [string, readonly unknown[]][] = [
  ['op', [5, true, {}, ['c'], 'x', 'create', '']],
  ['source', ['shop', 42, [], true]],
  ['source.file', [42, {}, ['a'], true]],
  ['source.pos', ['abc', 1.5, {}, [], '12abc', true]],
  ['source.ts_ms', ['yesterday', {}, 1.25, [1]]],
  ['source.db', [7, {}, []]],
  ['source.table', [7, {}, []]],
  ['after', ['row', [1, 2], 42, true]],
  ['after.price', [{}, [], 'not money', true, 'NaN', '1e5000']],
  ['after.stock', ['many', 1.5, {}, [], '1e3x']],
  ['after.created_at', ['not a date', {}, [], true, '2025-13-45T99:99:99Z']],
  ['after.id', ['abc', 1.5, {}, []]],
];

function wrongTypes(random: Random, id: number): HostileMessage {
  const { key, value } = validDebezium(random, id);
  if (random.chance(0.15)) {
    return {
      category: 'wrong-types',
      key: random.pick(['"5"', '[5]', '{"id":"abc"}', '{"id":1.5}', '{"id":{}}', '{"id":[1]}', 'not json', '{"id":"1 OR 1=1"}']),
      value: JSON.stringify(value),
    };
  }
  const [path, choices] = random.pick(WRONG_TYPES);
  // after.id is not the key (the key comes from the Kafka key): it must still be rejected as a bad column.
  return { category: 'wrong-types', key, value: JSON.stringify(withValue(value, path, random.pick(choices))) };
}

/** Near the topic's limit: garbage, non-CDC JSON, deep nesting, or an event broken in one field. */
function hugeMessage(random: Random, id: number): HostileMessage {
  // Up to a few hundred bytes below the limit: the record still fits the topic, but its dead letter
  // (the same bytes plus the error headers) may not fit a dead-letter topic with the same limit.
  const size = random.int(DEFAULT_MAX_MESSAGE_BYTES - 64 * 1024, DEFAULT_MAX_MESSAGE_BYTES - 256);
  const key = JSON.stringify({ id });
  const shapes: (() => string | Buffer)[] = [
    () => Buffer.from(Array.from({ length: size }, () => random.int(0, 255))),
    () => `[${'1234567,'.repeat(Math.floor(size / 8) - 1)}1]`,
    () => `${'['.repeat(Math.floor(size / 2))}${']'.repeat(Math.floor(size / 2))}`,
    () => `${'{"a":'.repeat(Math.floor(size / 6))}1${'}'.repeat(Math.floor(size / 6))}`,
    () => {
      const { value } = validDebezium(random, id);
      const padded = withValue(value, 'after.description', 'x'.repeat(size - 1200));
      return JSON.stringify(withValue(padded, 'op', 'nope'));
    },
    // A valid event with a huge text, cut inside that text (trailing spaces would still be valid JSON).
    () => JSON.stringify(withValue(validDebezium(random, id).value, 'after.description', 'y'.repeat(size))).slice(0, size),
  ];
  return { category: 'huge', key, value: random.pick(shapes)() };
}

function unknownFormat(random: Random, id: number): HostileMessage {
  const values: (() => string | Buffer)[] = [
    () => JSON.stringify({ hello: 'world', id }),
    () => '{}',
    () => '[]',
    () => `[${JSON.stringify(validDebezium(random, id).value)}]`,
    () => '"a string"',
    () => '42',
    () => 'true',
    () => `<row><id>${id}</id></row>`,
    () => `id,name\n${id},Mug`,
    () => Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), Buffer.from('avro-ish payload')]),
    () => Buffer.from([0x08, 0x96, 0x01, 0x12, 0x03, 0x4d, 0x75, 0x67]),
    () => JSON.stringify({ ...validCanal(id), es: 'yesterday', pkNames: undefined, mysqlType: undefined }),
    () => JSON.stringify({ payload: { op: 'c' }, schema: 'nope' }),
    () => JSON.stringify({ before: null, after: productImage(id), op: 'c', ts_ms: 1 }),
    () => JSON.stringify({ database: 'shop', table: 'products', data: { id } }),
    () => '\ufeff',
    () => ' ',
  ];
  return { category: 'unknown-format', key: JSON.stringify({ id }), value: random.pick(values)() };
}

const NULL_PATHS_DEBEZIUM = ['op', 'source', 'source.file', 'source.pos', 'source.db', 'source.table', 'source.ts_ms'];

function nullsEverywhere(random: Random, id: number): HostileMessage {
  const kind = random.int(0, 5);
  if (kind === 0) {
    const { value } = validDebezium(random, id);
    return { category: 'nulls', key: random.pick([null, 'null', '{"id":null}', '{}']), value: JSON.stringify(value) };
  }
  if (kind === 1) {
    const { key, value } = validDebezium(random, id);
    // A create or update without its after-image, a delete without its before-image.
    const broken = random.chance(0.5) ? { ...value, after: null } : { ...value, op: 'd', before: null, after: null };
    return { category: 'nulls', key, value: JSON.stringify(broken) };
  }
  if (kind === 2) {
    const canal = validCanal(id);
    return { category: 'nulls', key: null, value: JSON.stringify(withValue(canal, random.pick(['type', 'database', 'es', 'data']), null)) };
  }
  if (kind === 3) {
    const maxwell = validMaxwell(id);
    return {
      category: 'nulls',
      key: null,
      value: JSON.stringify(withValue(maxwell, random.pick(['type', 'position', 'data', 'database']), null)),
    };
  }
  const { key, value } = validDebezium(random, id);
  let nulled = value;
  for (const path of random.sample(NULL_PATHS_DEBEZIUM, random.int(1, NULL_PATHS_DEBEZIUM.length))) nulled = withValue(nulled, path, null);
  return { category: 'nulls', key, value: JSON.stringify(nulled) };
}

/** Keys no MySQL BIGINT (signed or unsigned) can hold, or that are not integers at all. */
function idOutOfRange(random: Random): HostileMessage {
  const id = random.pick([
    '18446744073709551616',
    '-9223372036854775809',
    '99999999999999999999999999999999',
    '1e30',
    '1.0000000000000000001',
    '-1e19',
    'NaN',
    '0x10',
    '1_000',
    `${'9'.repeat(random.int(21, 5000))}`,
  ]);
  const asNumber = random.chance(0.5) && /^-?\d+$/.test(id);
  const key = asNumber ? `{"id":${id}}` : JSON.stringify({ id });
  const { value } = validDebezium(random, 1);
  const after = { ...(value.after as Json) };
  const text = JSON.stringify({ ...value, after: { ...after, id: 0 } }).replace('"id":0', `"id":${asNumber ? id : JSON.stringify(id)}`);
  return { category: 'id-out-of-range', key, value: text };
}

export const CDC_FUZZ_CATEGORIES = ['truncated-json', 'wrong-types', 'huge', 'unknown-format', 'nulls', 'id-out-of-range'] as const;

/** A deterministic hostile message for a seed; `id` is a row id no valid message of the run uses. */
export function hostileMessage(random: Random, category: (typeof CDC_FUZZ_CATEGORIES)[number], id: number): HostileMessage {
  switch (category) {
    case 'truncated-json':
      return truncatedJson(random, id);
    case 'wrong-types':
      return wrongTypes(random, id);
    case 'huge':
      return hugeMessage(random, id);
    case 'unknown-format':
      return unknownFormat(random, id);
    case 'nulls':
      return nullsEverywhere(random, id);
    case 'id-out-of-range':
      return idOutOfRange(random);
  }
}
