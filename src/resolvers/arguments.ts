import { GatewayError } from '../errors.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { parseEntityId } from '../schema/entity.js';

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

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const id = decoded.startsWith('c:') ? decoded.slice(2) : '';
  if (!ID_PATTERN.test(id))
    throw new GatewayError('BAD_USER_INPUT', `after is not a cursor returned by this API: ${JSON.stringify(cursor.slice(0, 40))}`);
  return id;
}

/** Ids of any key type (parseEntityId per entry), at most MAX_IDS_PER_LOOKUP. */
export function parseEntityIds(entity: EntityDeclaration, values: readonly string[], argument = 'ids'): string[] {
  if (values.length > MAX_IDS_PER_LOOKUP) {
    throw new GatewayError('BAD_USER_INPUT', `${argument} accepts at most ${MAX_IDS_PER_LOOKUP} ids, got ${values.length}`);
  }
  return values.map((value, index) => parseEntityId(entity, value, `${argument}[${index}]`));
}

/** A cursor over rows of any key type: the row id inside, checked against the entity's key on the way back. */
export function decodeEntityCursor(entity: EntityDeclaration, cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const invalid = () =>
    new GatewayError('BAD_USER_INPUT', `after is not a cursor returned by this API: ${JSON.stringify(cursor.slice(0, 40))}`);
  if (!decoded.startsWith('c:')) throw invalid();
  try {
    return parseEntityId(entity, decoded.slice(2), 'after');
  } catch {
    throw invalid();
  }
}
