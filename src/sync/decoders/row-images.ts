import type { CdcFormat, RowChange, RowOp } from '../change.js';
import type { Row, RowVersion } from '../../rows/row.js';
import { decodeProblem } from './decode-context.js';

/** One row of a format that names its key columns (Canal/TiCDC `pkNames`, Maxwell's message key). */
export interface RowImages {
  readonly format: CdcFormat;
  readonly database: string;
  readonly table: string;
  readonly op: RowOp;
  readonly before: Row | null;
  readonly after: Row | null;
  readonly keyColumns: readonly string[];
  /** Used for key columns missing from the image (Maxwell's key carries the values too). */
  readonly fallbackKey?: Row;
  readonly version: RowVersion;
  readonly committedAtMs: number;
  readonly needsReread: boolean;
}

/**
 * RowChanges for one row image. An update that changes the primary key becomes a delete of the old
 * key and a create of the new one, as Debezium reports it: otherwise the row cached under the old
 * key would never be removed.
 */
export function rowChangesFromImages(images: RowImages): RowChange[] {
  const { op, before, after } = images;
  const image = op === 'delete' ? before : after;
  if (image === null) throw decodeProblem(`${op} of ${images.table} without a row image`);
  const key = pickKey(image, images.keyColumns, images.fallbackKey);

  if (op === 'update' && before !== null && after !== null) {
    const oldKey = pickKey(before, images.keyColumns, images.fallbackKey);
    if (!sameKey(oldKey, key, images.keyColumns)) {
      return [change(images, 'delete', oldKey, null, before), change(images, 'create', key, after, null)];
    }
  }
  return [change(images, op, key, op === 'delete' ? null : after, before)];
}

function change(images: RowImages, op: RowOp, key: Row, after: Row | null, before: Row | null): RowChange {
  return {
    kind: 'row',
    format: images.format,
    database: images.database,
    table: images.table,
    op,
    key,
    after,
    before,
    version: images.version,
    committedAtMs: images.committedAtMs,
    needsReread: images.needsReread && op !== 'delete',
  };
}

function pickKey(image: Row, keyColumns: readonly string[], fallbackKey: Row | undefined): Row {
  if (keyColumns.length === 0) throw decodeProblem('no primary-key columns (table without a primary key?)');
  return Object.fromEntries(
    keyColumns.map((column) => {
      const value = Object.hasOwn(image, column) ? image[column] : fallbackKey?.[column];
      if (value === undefined || value === null) throw decodeProblem(`primary-key column "${column}" is missing from the row`);
      return [column, value];
    }),
  );
}

function sameKey(left: Row, right: Row, keyColumns: readonly string[]): boolean {
  return keyColumns.every((column) => JSON.stringify(left[column]) === JSON.stringify(right[column]));
}
