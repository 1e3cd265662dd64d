import type { Row } from '../rows/row.js';
import { declaredColumnsOf } from '../sync/appliers/redis.js';
import { formatVersion } from '../rows/row-version.js';
import type { EntityChange } from '../sync/store-applier.js';

export type LiveChangeKind = 'insert' | 'update' | 'delete';

/**
 * One applied row change as subscribers see it: published by the consumer once Redis holds it, so
 * whoever reads the row after receiving this reads this version or a newer one.
 */
export interface LiveChange {
  /** Entity (GraphQL type) name. */
  readonly entity: string;
  readonly id: string;
  /** The row version, 19 digits (formatVersion): compares as a string. */
  readonly version: string;
  readonly kind: LiveChangeKind;
  /** The declared columns as written to the cache; null for a delete and for invalidate-only entities. */
  readonly row: Row | null;
  readonly committedAtMs: number;
  /** When the consumer published it (after Redis acknowledged the write). */
  readonly publishedAtMs: number;
}

/** Snapshot reads (`read`) describe a row that exists: to a subscriber that is an update of its state. */
function kindOf(op: EntityChange['change']['op']): LiveChangeKind {
  if (op === 'create') return 'insert';
  if (op === 'delete') return 'delete';
  return 'update';
}

export function liveChangeOf({ entity, change, id }: EntityChange, publishedAtMs: number): LiveChange {
  const kind = kindOf(change.op);
  const carriesRow = kind !== 'delete' && entity.cache.onChange === 'write' && change.after !== null;
  return {
    entity: entity.name,
    id,
    version: formatVersion(change.version),
    kind,
    row: carriesRow && change.after !== null ? declaredColumnsOf(change.after, entity) : null,
    committedAtMs: change.committedAtMs,
    publishedAtMs,
  };
}

const KINDS: ReadonlySet<string> = new Set<LiveChangeKind>(['insert', 'update', 'delete']);

function isLiveChange(value: unknown): value is LiveChange {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    typeof item.entity === 'string' &&
    typeof item.id === 'string' &&
    typeof item.version === 'string' &&
    typeof item.kind === 'string' &&
    KINDS.has(item.kind) &&
    (item.row === null || (typeof item.row === 'object' && !Array.isArray(item.row))) &&
    typeof item.committedAtMs === 'number' &&
    typeof item.publishedAtMs === 'number'
  );
}

/** One pub/sub message carries a batch's changes of one partition, in apply order. */
export function encodeLiveChanges(changes: readonly LiveChange[]): string {
  return JSON.stringify(changes);
}

/** The changes of one message; malformed entries (another writer on the channel) are dropped and counted. */
export function decodeLiveChanges(message: string): { changes: LiveChange[]; malformed: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return { changes: [], malformed: 1 };
  }
  if (!Array.isArray(parsed)) return { changes: [], malformed: 1 };
  const changes = parsed.filter(isLiveChange);
  return { changes, malformed: parsed.length - changes.length };
}
