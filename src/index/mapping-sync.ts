import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { Logger } from '../observability/logger.js';
import type { EntityDeclaration } from '../schema/entity.js';
import { toSearchError } from './elasticsearch-client.js';
import { searchAlias } from './index-manager.js';
import { SYNC_FIELD, syncFieldMapping } from './search-documents.js';

/**
 * Brings the live index mapping up to the entity's declared search properties, additively (a new
 * field is added in place; a changed field type needs `npm run reindex`). Runs when a DDL event for
 * the entity's table arrives, so a column added to the table and to the declaration reaches the
 * index without a reindex. Undeclared columns are never indexed on their own: a new column may hold
 * data (a password hash, a national id) nobody meant to make searchable.
 * Resolves `false` when Elasticsearch refused the mapping (logged), throws a retriable error when it
 * could not be reached.
 */
export async function syncIndexMapping(client: Client, indexPrefix: string, entity: EntityDeclaration, logger: Logger): Promise<boolean> {
  const mapping = entity.search;
  if (mapping === undefined) return true;
  const index = searchAlias(indexPrefix, mapping);
  try {
    await client.indices.putMapping({
      index,
      properties: { ...mapping.properties, ...syncFieldProperties(entity) } as Record<string, never>,
    });
    return true;
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 400) {
      logger.error(
        { index, table: entity.table, err: error.message },
        'declared search mapping conflicts with the live index; run npm run reindex',
      );
      return false;
    }
    throw toSearchError(error, `updating the mapping of ${index}`);
  }
}

function syncFieldProperties(entity: EntityDeclaration): Record<string, unknown> {
  return entity.search === undefined ? {} : { [SYNC_FIELD]: syncFieldMapping(entity.search) };
}
