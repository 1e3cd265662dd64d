import type { CdcFormat, DecodedChange, RawMessage, RowOp } from '../change.js';
import type { RowVersion } from '../../rows/row.js';
import { canalVersion } from '../../rows/row-version.js';
import {
  decodeProblem,
  isJsonObject,
  optionalString,
  parseMessageValue,
  requireInteger,
  requireObject,
  requireString,
  withDecodeContext,
} from './decode-context.js';
import type { JsonObject } from './decode-context.js';
import { convertMysqlTextRow } from './mysql-type-values.js';
import { rowChangesFromImages } from './row-images.js';

/**
 * Canal flat messages (`canal.mq.flatMessage=true`, also CloudCanal in Canal mode). One message may
 * carry several rows; `old[i]` holds only the changed columns of row i, so the before-image is
 * data[i] overlaid with old[i].
 */
export function decodeCanalMessage(msg: RawMessage): DecodedChange[] {
  return withDecodeContext(msg, 'canal', () => decodeCanalFlat(msg, parseMessageValue(msg)));
}

/** Same, for a value already parsed (by format detection) with parseJsonLossless. */
export function decodeCanalValue(msg: RawMessage, value: unknown): DecodedChange[] {
  return withDecodeContext(msg, 'canal', () => decodeCanalFlat(msg, value));
}

function decodeCanalFlat(msg: RawMessage, value: unknown): DecodedChange[] {
  const flat = requireObject(value, 'value');
  const version = canalVersion(requireInteger(flat, 'es'), msg.offset);
  return decodeCanalShape(flat, { format: 'canal', version, needsReread: false });
}

export interface CanalShapeOptions {
  readonly format: CdcFormat;
  /** Canal derives it from `es` and the offset, TiCDC from `_tidb.commitTs`. */
  readonly version: RowVersion;
  readonly needsReread: boolean;
}

const ROW_TYPES: ReadonlyMap<string, RowOp> = new Map([
  ['INSERT', 'create'],
  ['UPDATE', 'update'],
  ['DELETE', 'delete'],
]);
const DDL_TYPES = new Set(['CREATE', 'ALTER', 'ERASE', 'QUERY', 'RENAME', 'CINDEX', 'DINDEX']);

/** The canal-json shape shared by Canal and TiCDC. */
export function decodeCanalShape(flat: JsonObject, options: CanalShapeOptions): DecodedChange[] {
  const { format, version } = options;
  const type = requireString(flat, 'type');
  const database = requireString(flat, 'database');
  const table = optionalString(flat, 'table') ?? '';
  const committedAtMs = requireInteger(flat, 'es');

  if (type === 'TRUNCATE') {
    if (table === '') throw decodeProblem('TRUNCATE without a table');
    return [{ kind: 'truncate', format, database, table, version, committedAtMs }];
  }
  if (flat['isDdl'] === true || DDL_TYPES.has(type)) {
    return [{ kind: 'schema', format, database, table: table === '' ? null : table, ddl: requireString(flat, 'sql'), committedAtMs }];
  }
  const op = ROW_TYPES.get(type);
  if (op === undefined) throw decodeProblem(`unsupported type "${type}"`);
  const rows = flat['data'];
  if (!Array.isArray(rows)) throw decodeProblem(`${type} without a "data" array`);
  const olds: readonly unknown[] = Array.isArray(flat['old']) ? flat['old'] : [];
  const mysqlTypes = isJsonObject(flat['mysqlType']) ? flat['mysqlType'] : {};
  const keyColumns = primaryKeyNames(flat['pkNames']);

  return rows.flatMap((raw: unknown, index) => {
    const data = requireObject(raw, `data[${index}]`);
    const old = olds[index];
    const current = convertMysqlTextRow(data, mysqlTypes);
    let before = null;
    if (op === 'delete') before = current;
    else if (op === 'update' && isJsonObject(old)) before = convertMysqlTextRow({ ...data, ...old }, mysqlTypes);
    return rowChangesFromImages({
      format,
      database,
      table,
      op,
      before,
      after: op === 'delete' ? null : current,
      keyColumns,
      version,
      committedAtMs,
      needsReread: options.needsReread,
    });
  });
}

function primaryKeyNames(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((name): name is string => typeof name === 'string')) {
    throw decodeProblem('row message without "pkNames" (table without a primary key?)');
  }
  return value;
}
