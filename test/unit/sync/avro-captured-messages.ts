/**
 * Real messages, captured from the local stack: one products row (id 2^53 + 1, beyond a JS
 * number) inserted, updated (DECIMAL(12,2) to 99999999.99, a CJK description) and deleted, as the
 * Avro connector wrote them (Apicurio's converter, Confluent wire format) and as the JSON connector
 * wrote the same binlog events; plus the two writer schemas, as the registry serves them by id.
 */
export const capturedSchemas: Readonly<Record<number, string>> = {
  5: '{"type":"record","name":"Key","namespace":"shopavro.shop.products","fields":[{"name":"id","type":"long"}],"connect.name":"shopavro.shop.products.Key"}',
  6: '{"type":"record","name":"Envelope","namespace":"shopavro.shop.products","fields":[{"name":"before","type":["null",{"type":"record","name":"Value","fields":[{"name":"id","type":"long"},{"name":"sku","type":"string"},{"name":"name","type":"string"},{"name":"description","type":["null","string"],"default":null},{"name":"category_id","type":"long"},{"name":"brand","type":"string"},{"name":"price","type":{"type":"bytes","scale":2,"precision":12,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"12"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}},{"name":"stock","type":{"type":"int","connect.default":0},"default":0},{"name":"status","type":{"type":"string","connect.version":1,"connect.parameters":{"allowed":"active,draft,archived"},"connect.default":"draft","connect.name":"io.debezium.data.Enum"},"default":"draft"},{"name":"is_featured","type":{"type":"int","connect.default":0,"connect.type":"int16"},"default":0},{"name":"tags","type":"string"},{"name":"attributes","type":["null","string"],"default":null},{"name":"created_at","type":{"type":"long","connect.version":1,"connect.default":0,"connect.name":"io.debezium.time.Timestamp"},"default":0},{"name":"updated_at","type":{"type":"string","connect.version":1,"connect.default":"1970-01-01T00:00:00Z","connect.name":"io.debezium.time.ZonedTimestamp"},"default":"1970-01-01T00:00:00Z"}],"connect.name":"shopavro.shop.products.Value"}],"default":null},{"name":"after","type":["null","Value"],"default":null},{"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.mariadb","fields":[{"name":"version","type":"string"},{"name":"connector","type":"string"},{"name":"name","type":"string"},{"name":"ts_ms","type":"long"},{"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"},{"name":"db","type":"string"},{"name":"sequence","type":["null","string"],"default":null},{"name":"ts_us","type":["null","long"],"default":null},{"name":"ts_ns","type":["null","long"],"default":null},{"name":"table","type":["null","string"],"default":null},{"name":"server_id","type":"long"},{"name":"gtid","type":["null","string"],"default":null},{"name":"file","type":"string"},{"name":"pos","type":"long"},{"name":"row","type":"int"},{"name":"thread","type":["null","long"],"default":null},{"name":"query","type":["null","string"],"default":null}],"connect.version":1,"connect.name":"io.debezium.connector.mariadb.Source"}},{"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event","fields":[{"name":"id","type":"string"},{"name":"total_order","type":"long"},{"name":"data_collection_order","type":"long"}],"connect.version":1,"connect.name":"event.block"}],"default":null},{"name":"op","type":"string"},{"name":"ts_ms","type":["null","long"],"default":null},{"name":"ts_us","type":["null","long"],"default":null},{"name":"ts_ns","type":["null","long"],"default":null}],"connect.version":2,"connect.name":"shopavro.shop.products.Envelope"}',
};

/** Hex of each key and value, in topic order: create, update, delete, tombstone. */
export const capturedAvroMessages: readonly { key: string; value: string | null }[] = [
  {
    key: '00000000058280808080808020',
    value:
      '0000000006000282808080808080200a502d6269670c426967206964000202620404ce020c61637469766502045b5d0096c9a193aa6530323032362d31322d30335431333a35363a32312e3438325a16332e322e302e46696e616c0e6d6172696164621073686f706176726f90ee88c3c768000a66616c73650873686f70000280ad9cfde3eeb0060280c8bfa58abde1ed31021070726f647563747302020c302d312d3336246d6172696164622d62696e2e303030303031a0a8010000000002630298f688c3c76802a2badbfde3eeb00602c09bbf928ebde1ed31',
  },
  {
    key: '00000000058280808080808020',
    value:
      '00000000060282808080808080200a502d6269670c426967206964000202620404ce020c61637469766502045b5d0096c9a193aa6530323032362d31322d30335431333a35363a32312e3438325a0282808080808080200a502d6269670c426967206964021ee995bf206465736372697074696f6e0202620a02540be3ff020c61637469766502045b5d0096c9a193aa6530323032362d31322d30335431343a30303a35332e3530315a16332e322e302e46696e616c0e6d6172696164621073686f706176726f9088aac3c768000a66616c73650873686f70000280bdcf80e6eeb0060280c8f4ecf4cce1ed31021070726f647563747302020c302d312d3530246d6172696164622d62696e2e303030303031ced301000000000275028890aac3c768028cc38d81e6eeb006029e9fd4d1f8cce1ed31',
  },
  {
    key: '00000000058280808080808020',
    value:
      '00000000060282808080808080200a502d6269670c426967206964021ee995bf206465736372697074696f6e0202620a02540be3ff020c61637469766502045b5d0096c9a193aa6530323032362d31322d30335431343a30303a35332e3530315a0016332e322e302e46696e616c0e6d6172696164621073686f706176726f9088aac3c768000a66616c73650873686f70000280bdcf80e6eeb0060280c8f4ecf4cce1ed31021070726f647563747302020c302d312d3531246d6172696164622d62696e2e303030303031f0d90100000000026402a090aac3c76802ae828f81e6eeb006029ebaaaddf8cce1ed31',
  },
  { key: '00000000058280808080808020', value: null },
];

/** The same four events from the JSON connector (decimal.handling.mode=string), as UTF-8 text. */
export const capturedJsonMessages: readonly { key: string; value: string | null }[] = [
  {
    key: '{"id":9007199254740993}',
    value:
      '{"before":null,"after":{"id":9007199254740993,"sku":"P-big","name":"Big id","description":null,"category_id":1,"brand":"b","price":"12.30","stock":1,"status":"active","is_featured":1,"tags":"[]","attributes":null,"created_at":1740824130123,"updated_at":"2026-12-03T13:56:21.482Z"},"source":{"version":"3.2.0.Final","connector":"mariadb","name":"shop","ts_ms":1796306181000,"snapshot":"false","db":"shop","sequence":null,"ts_us":1796306181000000,"ts_ns":1796306181000000000,"table":"products","server_id":1,"gtid":"0-1-36","file":"mariadb-bin.000001","pos":10768,"row":0,"thread":null,"query":null},"transaction":null,"op":"c","ts_ms":1796306181515,"ts_us":1796306181515453,"ts_ns":1796306181515453438}',
  },
  {
    key: '{"id":9007199254740993}',
    value:
      '{"before":{"id":9007199254740993,"sku":"P-big","name":"Big id","description":null,"category_id":1,"brand":"b","price":"12.30","stock":1,"status":"active","is_featured":1,"tags":"[]","attributes":null,"created_at":1740824130123,"updated_at":"2026-12-03T13:56:21.482Z"},"after":{"id":9007199254740993,"sku":"P-big","name":"Big id","description":"长 description","category_id":1,"brand":"b","price":"99999999.99","stock":1,"status":"active","is_featured":1,"tags":"[]","attributes":null,"created_at":1740824130123,"updated_at":"2026-12-03T14:00:53.501Z"},"source":{"version":"3.2.0.Final","connector":"mariadb","name":"shop","ts_ms":1796306453000,"snapshot":"false","db":"shop","sequence":null,"ts_us":1796306453000000,"ts_ns":1796306453000000000,"table":"products","server_id":1,"gtid":"0-1-50","file":"mariadb-bin.000001","pos":13543,"row":0,"thread":null,"query":null},"transaction":null,"op":"u","ts_ms":1796306453507,"ts_us":1796306453507841,"ts_ns":1796306453507841699}',
  },
  {
    key: '{"id":9007199254740993}',
    value:
      '{"before":{"id":9007199254740993,"sku":"P-big","name":"Big id","description":"长 description","category_id":1,"brand":"b","price":"99999999.99","stock":1,"status":"active","is_featured":1,"tags":"[]","attributes":null,"created_at":1740824130123,"updated_at":"2026-12-03T14:00:53.501Z"},"after":null,"source":{"version":"3.2.0.Final","connector":"mariadb","name":"shop","ts_ms":1796306453000,"snapshot":"false","db":"shop","sequence":null,"ts_us":1796306453000000,"ts_ns":1796306453000000000,"table":"products","server_id":1,"gtid":"0-1-51","file":"mariadb-bin.000001","pos":13944,"row":0,"thread":null,"query":null},"transaction":null,"op":"d","ts_ms":1796306453528,"ts_us":1796306453528343,"ts_ns":1796306453528343750}',
  },
  { key: '{"id":9007199254740993}', value: null },
];
