/**
 * UUIDs in their canonical form: lowercase 8-4-4-4-12 hex text. CHAR(36) columns hold that text
 * (in any case); BINARY(16) columns hold the 16 bytes, which every source hands over differently:
 * mysql2 as a Buffer, Debezium JSON as base64 (binary.handling.mode=bytes, the default) or hex,
 * Debezium Avro as bytes, Canal/TiCDC/Maxwell as base64 once their decoders re-encoded them. The
 * lengths tell the forms apart (36 text, 32 hex, 24 base64), so no form can be read as another.
 */

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_32 = /^[0-9a-f]{32}$/i;
const BASE64_16_BYTES = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

export const isUuidText = (text: string): boolean => UUID_TEXT.test(text);

/** CHAR(36) UUID text, lowercased; anything else is refused. */
export function uuidTextOf(value: unknown): string {
  const text = value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value;
  if (typeof text !== 'string' || !UUID_TEXT.test(text)) throw new Error('not a UUID (8-4-4-4-12 hex text)');
  return text.toLowerCase();
}

/** The canonical text of a BINARY(16) UUID from its bytes, base64, hex or UUID text. */
export function uuidFromBytesOrText(value: unknown): string {
  if (value instanceof Uint8Array) return uuidTextOfBytes(value);
  if (typeof value !== 'string') throw new Error('not UUID bytes, base64, hex or UUID text');
  if (value.length === 36) return uuidTextOf(value);
  if (value.length === 32 && HEX_32.test(value)) return uuidTextOfBytes(Buffer.from(value, 'hex'));
  if (value.length === 24 && BASE64_16_BYTES.test(value)) return uuidTextOfBytes(Buffer.from(value, 'base64'));
  throw new Error('not 16 bytes as base64 or hex, nor UUID text');
}

export function uuidTextOfBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`a BINARY(16) UUID has 16 bytes, got ${bytes.length}`);
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of canonical UUID text, as a BINARY(16) SQL parameter. */
export function uuidBytesOf(text: string): Buffer {
  if (!UUID_TEXT.test(text)) throw new Error(`not a UUID: ${JSON.stringify(text.slice(0, 40))}`);
  return Buffer.from(text.replaceAll('-', ''), 'hex');
}
