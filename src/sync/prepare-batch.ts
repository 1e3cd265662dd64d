import { asDecodeFailure, GatewayError } from '../errors.js';
import type { EntityRegistry } from '../schema/entity-registry.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { keyColumnsOf, rowIdOf } from '../schema/entity.js';
import type { ColumnType } from '../rows/column-types.js';
import { isNotNull } from '../rows/column-types.js';
import type { RowChange, TruncateChange } from './change.js';
import type { Row } from '../rows/row.js';
import { normalizeRow } from '../rows/normalize-row.js';
import type { ApplyBatch, EntityChange, TableTruncate } from './store-applier.js';

/** A decoded change and the message it came from, so a change that cannot be prepared can be dead-lettered. */
export interface SourcedChange<M> {
  readonly change: RowChange | TruncateChange;
  readonly message: M;
}

export interface RejectedChange<M> {
  readonly message: M;
  readonly error: unknown;
}

export interface PreparedBatch<M> {
  /** What the stores can apply as is: collapsed row changes (re-reads excluded) and truncates. */
  readonly batch: ApplyBatch;
  /** Collapsed changes that carry only a key: re-read them from the database, then `completeReread`. */
  readonly rereads: readonly EntityChange[];
  /** Changes of tables the registry does not declare, counted per table. */
  readonly unknownTables: ReadonlyMap<string, number>;
  /** Changes whose key or images do not fit the entity's columns: their messages go to the dead letters. */
  readonly rejected: readonly RejectedChange<M>[];
}

/**
 * Turns the decoded changes of one Kafka batch (in stream order) into what the stores apply. Each
 * row appears at most once: the highest version wins, and on equal versions the later message, so
 * an update followed by its delete leaves the delete and an older replay cannot displace newer data
 * (the stores' own version guard still protects across batches). The database name is not checked:
 * a registry describes one database and the topic subscription selects it.
 */
export function prepareBatch<M>(changes: readonly SourcedChange<M>[], registry: EntityRegistry): PreparedBatch<M> {
  const latest = new Map<string, EntityChange>();
  const truncates = new Map<string, TableTruncate>();
  const unknownTables = new Map<string, number>();
  const rejected: RejectedChange<M>[] = [];

  for (const { change, message } of changes) {
    const entity = registry.byTable(change.table);
    if (entity === undefined) {
      unknownTables.set(change.table, (unknownTables.get(change.table) ?? 0) + 1);
      continue;
    }
    if (change.kind === 'truncate') {
      const previous = truncates.get(entity.table);
      if (previous === undefined || change.version >= previous.version) truncates.set(entity.table, { entity, version: change.version });
      continue;
    }
    let prepared: EntityChange;
    try {
      prepared = normalizeChange(entity, change);
    } catch (error) {
      rejected.push({ message, error: asDecodeFailure(error) });
      continue;
    }
    const rowKey = `${entity.table}:${prepared.id}`;
    const previous = latest.get(rowKey);
    if (previous === undefined || prepared.change.version >= previous.change.version) latest.set(rowKey, prepared);
  }

  const winners = [...latest.values()];
  return {
    batch: { changes: winners.filter((item) => !item.change.needsReread), truncates: [...truncates.values()] },
    rereads: winners.filter((item) => item.change.needsReread),
    unknownTables,
    rejected,
  };
}

/**
 * Consecutive prepared batches of one partition as one, by the same rule as prepareBatch (highest
 * version per row, the later batch on a tie; highest version per truncated table). Applying the
 * merge equals applying the batches in order: every store applies truncates as floors that refuse
 * older row versions, whichever order a batch's rows and truncates are written in.
 */
export function mergeBatches(batches: readonly ApplyBatch[]): ApplyBatch {
  if (batches.length === 1 && batches[0] !== undefined) return batches[0];
  const latest = new Map<string, EntityChange>();
  const truncates = new Map<string, TableTruncate>();
  for (const batch of batches) {
    for (const item of batch.changes) {
      const rowKey = `${item.entity.table}:${item.id}`;
      const previous = latest.get(rowKey);
      if (previous === undefined || item.change.version >= previous.change.version) latest.set(rowKey, item);
    }
    for (const truncate of batch.truncates) {
      const previous = truncates.get(truncate.entity.table);
      if (previous === undefined || truncate.version >= previous.version) truncates.set(truncate.entity.table, truncate);
    }
  }
  return { changes: [...latest.values()], truncates: [...truncates.values()] };
}

/**
 * A key-only change completed from the database at the same version: the row as it is now, or a
 * delete when it is gone. The row may be newer than the version says; a later change still lands
 * over it, and nothing older can, so the stores converge on the database either way.
 */
export function completeReread(item: EntityChange, row: Row | undefined): EntityChange {
  const change: RowChange =
    row === undefined
      ? { ...item.change, op: 'delete', after: null, needsReread: false }
      : { ...item.change, op: 'update', after: row, needsReread: false };
  return { ...item, change };
}

function normalizeChange(entity: EntityDeclaration, change: RowChange): EntityChange {
  const keyColumns = keyColumnsOf(entity);
  const key = normalizeRow(change.key, entity.columns, keyColumns);
  const missing = keyColumns.filter((column) => key[column] === undefined || key[column] === null || typeof key[column] === 'object');
  if (missing.length > 0) {
    throw new GatewayError(
      'CDC_DECODE_FAILED',
      `${entity.table} change key ${JSON.stringify(change.key)} has no primary key ${missing.map((column) => `"${column}"`).join(', ')}`,
      { details: { table: entity.table } },
    );
  }
  if (change.after !== null) refuseNullsInNotNullColumns(entity, change.after);
  const after = change.after === null ? null : normalizeRow(change.after, entity.columns, keyColumns);
  // No store reads the before-image (a row's new state is its after-image or its re-read), so it
  // is dropped here rather than normalized: a third of the work per update for nothing.
  const normalized: RowChange = { ...change, key, after, before: null };
  return { entity, change: normalized, id: rowIdOf(key, entity) };
}

/**
 * The database refuses a NULL in a NOT NULL column, so one in an after-image means the message is
 * not what the declaration describes (a bad producer, a schema that changed): storing it would
 * serve a row the schema says cannot exist. The decoded image is checked before normalization (a
 * zero date normalizes to null but is a value). Columns absent from the image are not NULLs. JSON
 * columns are exempt: a NOT NULL JSON column may hold JSON null, which some decoders (Canal,
 * TiCDC) cannot tell from SQL NULL.
 */
function refuseNullsInNotNullColumns(entity: EntityDeclaration, after: Readonly<Record<string, unknown>>): void {
  for (const column in entity.columns) {
    const type = entity.columns[column] as ColumnType;
    if (
      isNotNull(type) &&
      type.kind !== 'json' &&
      Object.hasOwn(after, column) &&
      (after[column] === null || after[column] === undefined)
    ) {
      throw new GatewayError('CDC_DECODE_FAILED', `${entity.table} change has NULL in NOT NULL column "${column}"`, {
        details: { table: entity.table, column },
      });
    }
  }
}
