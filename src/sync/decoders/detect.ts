import { GatewayError } from '../../errors.js';
import type { CdcFormat, DecodedChange, RawMessage } from '../change.js';
import { decodeCanalMessage, decodeCanalValue } from './canal.js';
import type { AvroSchemaLookup } from '../schema-registry-client.js';
import { decodeDebeziumMessage, decodeDebeziumValue } from './debezium.js';
import { decodeDebeziumAvroMessage, isConfluentWireFormat } from './debezium-avro.js';
import { isJsonObject, messageCoordinates, parseMessageValue, withDecodeContext } from './decode-context.js';
import type { JsonObject } from './decode-context.js';
import { parseMysqlType } from './mysql-type-values.js';
import { decodeMaxwellMessage, decodeMaxwellValue } from './maxwell.js';
import { decodeTicdcMessage, decodeTicdcValue } from './ticdc.js';

type JsonFormat = Exclude<CdcFormat, 'debezium-avro'>;
type MessageDecoder = (msg: RawMessage) => DecodedChange[];
type ValueDecoder = (msg: RawMessage, value: unknown) => DecodedChange[];

const MESSAGE_DECODERS: Readonly<Record<JsonFormat, MessageDecoder>> = {
  debezium: decodeDebeziumMessage,
  canal: decodeCanalMessage,
  ticdc: decodeTicdcMessage,
  maxwell: decodeMaxwellMessage,
};

const VALUE_DECODERS: Readonly<Record<JsonFormat, ValueDecoder>> = {
  debezium: decodeDebeziumValue,
  canal: decodeCanalValue,
  ticdc: decodeTicdcValue,
  maxwell: decodeMaxwellValue,
};

/** For callers that never see Avro: every Avro message is then dead-lettered with this reason. */
const NO_SCHEMA_REGISTRY: AvroSchemaLookup = {
  schemaById: (id) => ({ problem: `schema id ${id} cannot be looked up: no schema registry is configured (SCHEMA_REGISTRY_URL)` }),
};

/**
 * Decodes with the configured format, or detects it per message with 'auto'. A null value is a
 * tombstone, which only Debezium sends, so 'auto' hands it to the Debezium decoder. The Confluent
 * wire format shows itself by its first byte (0, which no JSON message starts with).
 */
export function decodeMessage(
  msg: RawMessage,
  format: CdcFormat | 'auto',
  schemas: AvroSchemaLookup = NO_SCHEMA_REGISTRY,
): DecodedChange[] {
  if (format === 'debezium-avro') return decodeDebeziumAvroMessage(msg, schemas);
  if (format !== 'auto') return MESSAGE_DECODERS[format](msg);
  if (isConfluentWireFormat(msg.value)) return decodeDebeziumAvroMessage(msg, schemas);
  const value = withDecodeContext(msg, 'auto', () => parseMessageValue(msg));
  if (value === null) return decodeDebeziumMessage(msg);
  const detected = detectFormat(value);
  if (detected === null) {
    const fields = isJsonObject(value) ? Object.keys(value).slice(0, 12).join(', ') : typeof value;
    throw new GatewayError(
      'CDC_UNKNOWN_FORMAT',
      `message ${messageCoordinates(msg)} matches none of debezium, canal, ticdc, maxwell (top-level: ${fields})`,
      { details: { topic: msg.topic, partition: msg.partition, offset: msg.offset } },
    );
  }
  return VALUE_DECODERS[detected](msg, value);
}

/** The format of a parsed message value, judged by its shape; null when nothing matches. */
export function detectFormat(value: unknown): JsonFormat | null {
  if (!isJsonObject(value)) return null;
  if (looksLikeDebezium(value)) return 'debezium';
  if (looksLikeCanalShape(value)) return looksLikeTicdc(value) ? 'ticdc' : 'canal';
  if (looksLikeMaxwell(value)) return 'maxwell';
  return null;
}

function looksLikeDebezium(value: JsonObject): boolean {
  const payload = 'schema' in value && isJsonObject(value['payload']) ? value['payload'] : value;
  const hasSource = isJsonObject(payload['source']);
  if (typeof payload['op'] === 'string' && hasSource) return true;
  if (typeof payload['ddl'] === 'string' && (hasSource || 'tableChanges' in payload)) return true;
  return (payload['status'] === 'BEGIN' || payload['status'] === 'END') && 'event_count' in payload;
}

function looksLikeCanalShape(value: JsonObject): boolean {
  if (value['type'] === 'TIDB_WATERMARK') return true;
  return (
    typeof value['isDdl'] === 'boolean' &&
    typeof value['type'] === 'string' &&
    typeof value['es'] === 'number' &&
    ('pkNames' in value || 'mysqlType' in value)
  );
}

/** Types MySQL always reports with parameters in Canal ("varchar(255)"); TiCDC drops them. */
const ALWAYS_PARAMETERIZED = new Set(['varchar', 'char', 'decimal', 'varbinary', 'binary', 'enum', 'set']);

/**
 * `_tidb` settles it. Without the extension, TiCDC shows itself by `id` 0 and parameterless types;
 * a wrong guess changes only the `format` label, since both decode the same way.
 */
function looksLikeTicdc(value: JsonObject): boolean {
  if (isJsonObject(value['_tidb']) || value['type'] === 'TIDB_WATERMARK') return true;
  const types = value['mysqlType'];
  if (value['id'] !== 0 || !isJsonObject(types)) return false;
  return Object.values(types).some(
    (type) => typeof type === 'string' && !type.includes('(') && ALWAYS_PARAMETERIZED.has(parseMysqlType(type).base),
  );
}

function looksLikeMaxwell(value: JsonObject): boolean {
  const type = value['type'];
  return (
    typeof type === 'string' &&
    type === type.toLowerCase() &&
    typeof value['database'] === 'string' &&
    (isJsonObject(value['data']) || typeof value['sql'] === 'string' || type.startsWith('bootstrap-')) &&
    ('position' in value || 'xid' in value || typeof value['ts'] === 'number')
  );
}
