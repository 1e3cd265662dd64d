import type { DecodedChange, RawMessage } from '../change.js';
import type { RowVersion } from '../../rows/row.js';
import { canalVersion, ticdcVersion } from '../../rows/row-version.js';
import { decodeCanalShape } from './canal.js';
import { decodeProblem, isJsonObject, parseMessageValue, requireInteger, requireObject, withDecodeContext } from './decode-context.js';
import type { JsonObject } from './decode-context.js';

/**
 * TiCDC canal-json: Canal's shape, one row per message, parameterless `mysqlType`. With
 * `enable-tidb-extension=true`, `_tidb.commitTs` is the row version, WATERMARK messages become
 * WatermarkChange, and large rows sent key-only (`onlyHandleKey`, or stored aside by claim-check)
 * must be re-read from the database.
 */
export function decodeTicdcMessage(msg: RawMessage): DecodedChange[] {
  return withDecodeContext(msg, 'ticdc', () => decodeTicdc(msg, parseMessageValue(msg)));
}

/** Same, for a value already parsed (by format detection) with parseJsonLossless. */
export function decodeTicdcValue(msg: RawMessage, value: unknown): DecodedChange[] {
  return withDecodeContext(msg, 'ticdc', () => decodeTicdc(msg, value));
}

function decodeTicdc(msg: RawMessage, value: unknown): DecodedChange[] {
  const flat = requireObject(value, 'value');
  const extension = flat['_tidb'];
  if (flat['type'] === 'TIDB_WATERMARK') {
    if (!isJsonObject(extension)) throw decodeProblem('TIDB_WATERMARK without "_tidb"');
    return [{ kind: 'watermark', format: 'ticdc', version: tsoField(extension, 'watermarkTs') }];
  }
  if (extension !== undefined && !isJsonObject(extension)) throw decodeProblem('"_tidb" is not an object');
  return decodeCanalShape(flat, {
    format: 'ticdc',
    version: extension === undefined ? canalVersion(requireInteger(flat, 'es'), msg.offset) : tsoField(extension, 'commitTs'),
    needsReread: extension !== undefined && (extension['onlyHandleKey'] === true || 'claimCheckLocation' in extension),
  });
}

/** TSOs exceed 2^53; parseJsonLossless hands them over as exact digits. */
function tsoField(extension: JsonObject, field: string): RowVersion {
  const value = extension[field];
  if (typeof value !== 'string' && typeof value !== 'number') throw decodeProblem(`"_tidb" has no "${field}"`);
  return ticdcVersion(value);
}
