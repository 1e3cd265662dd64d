/**
 * One history of two products rows (insert both, update both in one statement, delete one) and its
 * encoding in every CDC format the gateway reads, written from each tool's documented message shape.
 */
export interface ProductState {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly description: string | null;
  readonly category_id: number;
  readonly brand: string;
  readonly price: string;
  readonly stock: number;
  readonly status: 'active' | 'draft' | 'archived';
  readonly is_featured: 0 | 1;
  readonly tags: readonly string[];
  readonly attributes: Record<string, unknown> | null;
  /** 'YYYY-MM-DD hh:mm:ss.fff' UTC, DATETIME(3) and TIMESTAMP(3). */
  readonly created_at: string;
  readonly updated_at: string;
}

export type HistoryStep =
  | { readonly op: 'insert'; readonly rows: readonly ProductState[] }
  | { readonly op: 'update'; readonly rows: readonly { before: ProductState; after: ProductState }[] }
  | { readonly op: 'delete'; readonly rows: readonly ProductState[] };

export function productHistory(idA: number, idB: number): HistoryStep[] {
  const a: ProductState = {
    id: idA,
    sku: `EQ-${idA}`,
    name: '保温杯 Thermos ☕',
    description: null,
    category_id: 1,
    brand: 'Tiger 虎牌',
    price: '129.90',
    stock: 10,
    status: 'active',
    is_featured: 1,
    tags: ['新品', 'gift'],
    attributes: { color: '黑', ml: 500 },
    created_at: '2025-03-01 10:15:30.123',
    updated_at: '2025-03-01 10:15:30.123',
  };
  const b: ProductState = {
    ...a,
    id: idB,
    sku: `EQ-${idB}`,
    name: 'Bluetooth 耳机 🎧',
    description: '降噪 noise cancelling',
    price: '0.99',
    stock: 3,
    is_featured: 0,
    tags: [],
    attributes: null,
    created_at: '2025-03-01 10:16:00.000',
    updated_at: '2025-03-01 10:16:00.000',
  };
  const a2: ProductState = { ...a, name: '保温杯 XL Thermos', price: '139.00', updated_at: '2025-03-02 08:00:05.456' };
  const b2: ProductState = { ...b, stock: 0, updated_at: '2025-03-02 08:00:05.456' };
  return [
    { op: 'insert', rows: [a, b] },
    {
      op: 'update',
      rows: [
        { before: a, after: a2 },
        { before: b, after: b2 },
      ],
    },
    { op: 'delete', rows: [b2] },
  ];
}

export interface EncodedMessage {
  readonly key: string | null;
  readonly value: string | null;
}

/** A binary-encoded message (Avro in the Confluent wire format). */
export interface EncodedBytes {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

const epochMs = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const isoUtc = (text: string) => new Date(epochMs(text)).toISOString();

/** Debezium, JSON converter with schemas disabled: DATETIME as epoch ms, TIMESTAMP as ISO, JSON as text. */
function debeziumRow(row: ProductState): Record<string, unknown> {
  return {
    ...row,
    tags: JSON.stringify(row.tags),
    attributes: row.attributes === null ? null : JSON.stringify(row.attributes),
    created_at: epochMs(row.created_at),
    updated_at: isoUtc(row.updated_at),
  };
}

const decimalBase64 = (text: string) => {
  let unscaled = BigInt(text.replace('.', ''));
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(unscaled & 0xffn));
    unscaled >>= 8n;
  } while (unscaled > 0n);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return Buffer.from(bytes).toString('base64');
};

const productSchema = (name: string) => ({
  type: 'struct',
  optional: true,
  name,
  fields: [
    { field: 'id', type: 'int64' },
    { field: 'sku', type: 'string' },
    { field: 'name', type: 'string' },
    { field: 'description', type: 'string', optional: true },
    { field: 'category_id', type: 'int64' },
    { field: 'brand', type: 'string' },
    {
      field: 'price',
      type: 'bytes',
      name: 'org.apache.kafka.connect.data.Decimal',
      parameters: { scale: '2', 'connect.decimal.precision': '12' },
    },
    { field: 'stock', type: 'int32' },
    { field: 'status', type: 'string', name: 'io.debezium.data.Enum' },
    { field: 'is_featured', type: 'int16' },
    { field: 'tags', type: 'string', name: 'io.debezium.data.Json' },
    { field: 'attributes', type: 'string', name: 'io.debezium.data.Json', optional: true },
    { field: 'created_at', type: 'int64', name: 'io.debezium.time.Timestamp' },
    { field: 'updated_at', type: 'string', name: 'io.debezium.time.ZonedTimestamp' },
  ],
});

export function encodeDebezium(history: readonly HistoryStep[], withSchemas: boolean): EncodedMessage[] {
  const messages: EncodedMessage[] = [];
  let pos = 1000;
  const image = (row: ProductState | null) =>
    row === null ? null : withSchemas ? { ...debeziumRow(row), price: decimalBase64(row.price) } : debeziumRow(row);
  const wrapKey = (id: number) =>
    JSON.stringify(withSchemas ? { schema: { type: 'struct', fields: [{ field: 'id', type: 'int64' }] }, payload: { id } } : { id });
  const emit = (op: 'c' | 'u' | 'd', id: number, before: ProductState | null, after: ProductState | null, row: number) => {
    const payload = {
      before: image(before),
      after: image(after),
      op,
      ts_ms: 1_740_900_000_000,
      source: {
        version: '3.2.0.Final',
        connector: 'mariadb',
        name: 'shop',
        ts_ms: 1_740_900_000_000,
        snapshot: 'false',
        db: 'shop',
        table: 'products',
        server_id: 1,
        gtid: null,
        file: 'mariadb-bin.000007',
        pos,
        row,
      },
    };
    const value = withSchemas
      ? {
          schema: {
            type: 'struct',
            fields: [
              { field: 'before', ...productSchema('shop.shop.products.Value') },
              { field: 'after', ...productSchema('shop.shop.products.Value') },
              { field: 'op', type: 'string' },
            ],
          },
          payload,
        }
      : payload;
    messages.push({ key: wrapKey(id), value: JSON.stringify(value) });
    if (op === 'd') messages.push({ key: wrapKey(id), value: null });
  };
  for (const step of history) {
    pos += 500;
    step.rows.forEach((entry, row) => {
      if (step.op === 'insert') emit('c', (entry as ProductState).id, null, entry as ProductState, row);
      else if (step.op === 'update')
        emit(
          'u',
          (entry as { after: ProductState }).after.id,
          (entry as { before: ProductState }).before,
          (entry as { after: ProductState }).after,
          row,
        );
      else emit('d', (entry as ProductState).id, entry as ProductState, null, row);
    });
  }
  return messages;
}

const canalText = (row: ProductState): Record<string, string | null> =>
  Object.fromEntries(
    Object.entries(row).map(([column, value]) => [
      column,
      value === null ? null : typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );

const changedColumns = (before: ProductState, after: ProductState) =>
  Object.fromEntries(Object.entries(canalText(before)).filter(([column, value]) => canalText(after)[column] !== value));

/** Canal flat messages: one message per statement (several rows), strings typed by mysqlType. */
export function encodeCanal(history: readonly HistoryStep[], ticdc: boolean): EncodedMessage[] {
  const mysqlType = ticdc
    ? {
        id: 'bigint',
        sku: 'varchar',
        name: 'varchar',
        description: 'text',
        category_id: 'int',
        brand: 'varchar',
        price: 'decimal',
        stock: 'int',
        status: 'enum',
        is_featured: 'tinyint',
        tags: 'json',
        attributes: 'json',
        created_at: 'datetime',
        updated_at: 'timestamp',
      }
    : {
        id: 'bigint(20) unsigned',
        sku: 'varchar(64)',
        name: 'varchar(255)',
        description: 'text',
        category_id: 'int(10) unsigned',
        brand: 'varchar(100)',
        price: 'decimal(12,2)',
        stock: 'int(11)',
        status: "enum('active','draft','archived')",
        is_featured: 'tinyint(1)',
        tags: 'json',
        attributes: 'json',
        created_at: 'datetime(3)',
        updated_at: 'timestamp(3)',
      };
  const messages: EncodedMessage[] = [];
  let commitTs = 455_000_000_000_000_000n;
  let es = 1_740_900_000_000;
  for (const step of history) {
    es += 1000;
    // TiCDC sends one row per message; Canal one message per statement.
    const groups = ticdc ? step.rows.map((row) => [row]) : [step.rows];
    for (const rows of groups) {
      commitTs += 1000n;
      const data = rows.map((entry) =>
        canalText(step.op === 'update' ? (entry as { after: ProductState }).after : (entry as ProductState)),
      );
      const old =
        step.op === 'update'
          ? rows.map((entry) => changedColumns((entry as { before: ProductState }).before, (entry as { after: ProductState }).after))
          : null;
      messages.push({
        key: null,
        value: JSON.stringify({
          id: ticdc ? 0 : 7,
          database: 'shop',
          table: 'products',
          pkNames: ['id'],
          isDdl: false,
          type: step.op.toUpperCase(),
          es,
          ts: es + 5,
          sql: '',
          sqlType: {},
          mysqlType,
          data,
          old,
          ...(ticdc ? { _tidb: { commitTs: Number(commitTs) } } : {}),
        }).replace(/"commitTs":(\d+)/, `"commitTs":${commitTs}`),
      });
    }
  }
  if (ticdc)
    messages.push({
      key: null,
      value: `{"id":0,"database":"","table":"","pkNames":null,"isDdl":false,"type":"TIDB_WATERMARK","es":${es},"ts":${es},"sql":"","sqlType":null,"mysqlType":null,"data":null,"old":null,"_tidb":{"watermarkTs":${commitTs + 1n}}}`,
    });
  return messages;
}

/** Maxwell: native JSON values, one message per row, key by primary key, binlog position + xoffset. */
export function encodeMaxwell(history: readonly HistoryStep[]): EncodedMessage[] {
  const messages: EncodedMessage[] = [];
  let position = 2000;
  let xid = 900;
  for (const step of history) {
    position += 700;
    xid += 1;
    step.rows.forEach((entry, xoffset) => {
      const after = step.op === 'update' ? (entry as { after: ProductState }).after : (entry as ProductState);
      const old = step.op === 'update' ? changedColumns((entry as { before: ProductState }).before, after) : undefined;
      const oldNative =
        old === undefined
          ? undefined
          : Object.fromEntries(
              Object.keys(old).map((column) => [column, (entry as { before: ProductState }).before[column as keyof ProductState]]),
            );
      const value = JSON.stringify({
        database: 'shop',
        table: 'products',
        type: step.op,
        ts: 1_740_900_000,
        xid,
        xoffset,
        position: `mariadb-bin.000007:${position}`,
        server_id: 1,
        data: after,
        ...(oldNative === undefined ? {} : { old: oldNative }),
      }).replace(/"price":"(-?\d+\.\d+)"/g, '"price":$1');
      messages.push({ key: JSON.stringify({ database: 'shop', table: 'products', 'pk.id': after.id }), value });
    });
  }
  return messages;
}
