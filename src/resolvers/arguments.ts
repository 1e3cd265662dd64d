import { GatewayError } from '../errors.js';
import type { KeyedEntity } from '../schema/entity-key.js';
import { parseEntityId } from '../schema/entity-key.js';

const ID_PATTERN = /^[1-9]\d{0,18}$/;
export const MAX_PAGE_SIZE = 100;
export const MAX_IDS_PER_LOOKUP = 100;

/** Ids are positive integers: anything else is a client error that names the bad value. */
export function parseId(value: string, argument = 'id'): string {
  if (!ID_PATTERN.test(value)) {
    throw new GatewayError('BAD_USER_INPUT', `${argument} must be a positive integer id, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return value;
}

export function parseIds(values: readonly string[], argument = 'ids'): string[] {
  if (values.length > MAX_IDS_PER_LOOKUP) {
    throw new GatewayError('BAD_USER_INPUT', `${argument} accepts at most ${MAX_IDS_PER_LOOKUP} ids, got ${values.length}`);
  }
  return values.map((value, index) => parseId(value, `${argument}[${index}]`));
}

/** Ids of one entity, each checked by its key's types (see parseEntityId), at most MAX_IDS_PER_LOOKUP. */
export function parseEntityIds(entity: KeyedEntity, values: readonly string[], argument = 'ids'): string[] {
  if (values.length > MAX_IDS_PER_LOOKUP) {
    throw new GatewayError('BAD_USER_INPUT', `${argument} accepts at most ${MAX_IDS_PER_LOOKUP} ids, got ${values.length}`);
  }
  return values.map((value, index) => parseEntityId(entity, value, `${argument}[${index}]`));
}

export function parseFirst(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`);
  }
  return first;
}

/** Cursors are opaque to clients; inside they carry the last row's id. */
export function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`).toString('base64url');
}

/**
 * The row id inside a cursor. Without an entity the id must be a positive integer (the shop's
 * keys); with one, any id of that entity's key (string, UUID, composite).
 */
export function decodeCursor(cursor: string | null | undefined, entity?: KeyedEntity): string | null {
  if (cursor === null || cursor === undefined) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const id = decoded.startsWith('c:') ? decoded.slice(2) : '';
  const valid = entity === undefined ? ID_PATTERN.test(id) : isEntityId(entity, id);
  if (!valid)
    throw new GatewayError('BAD_USER_INPUT', `after is not a cursor returned by this API: ${JSON.stringify(cursor.slice(0, 40))}`);
  return id;
}

function isEntityId(entity: KeyedEntity, id: string): boolean {
  try {
    return parseEntityId(entity, id, 'after') === id;
  } catch {
    return false;
  }
}
