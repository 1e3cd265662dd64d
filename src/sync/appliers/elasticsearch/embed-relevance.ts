import { createHash } from 'node:crypto';
import type { EmbeddedRelation, SearchableEntity } from '../../../schema/entity.js';
import { isSearchable } from '../../../schema/entity.js';
import type { EntityRegistry } from '../../../schema/entity-registry.js';
import type { Row } from '../../../rows/row.js';

/*
 * Which changes of a related row are worth rewriting the documents that embed it. An order line
 * embeds its product for the category and brand; the product's stock changes with every sale, and
 * rewriting every line of a best-seller on each of them would multiply the write load (measured:
 * a single-product batch went from ~25 ms to ~190 ms once order lines embedded products). A
 * relation that lists the related columns its `toDocument` reads lets the applier skip the others:
 * the guard document of the related row keeps a digest of those columns per embedding index, and a
 * newer change with the same digest writes nothing (embed-writes.ts). A relation without `columns`
 * rewrites on every change, as before.
 *
 * Sound because the digest is compared with the last *applied* state of the related row (the guard),
 * not with a before-image, which batching collapses and some CDC formats lack.
 */

export function declaredColumns(relation: EmbeddedRelation): readonly string[] | null {
  return relation.columns ?? null;
}

/** Digest of the declared columns of a related row; deleted rows have their own. */
export function projectionDigest(row: Row | null, columns: readonly string[]): string {
  if (row === null) return 'deleted';
  return createHash('sha256')
    .update(JSON.stringify(columns.map((column) => row[column] ?? null)))
    .digest('base64url')
    .slice(0, 16);
}

/** Per related table, the searchable entities whose documents embed its rows. */
export function embeddersByTable(registry: EntityRegistry): Map<string, SearchableEntity[]> {
  const found = new Map<string, SearchableEntity[]>();
  for (const entity of registry.entities.filter(isSearchable)) {
    for (const relation of entity.search.embeds) found.set(relation.table, [...(found.get(relation.table) ?? []), entity]);
  }
  return found;
}

export function relevantColumns(entity: SearchableEntity, table: string): readonly string[] | null {
  const relation = entity.search.embeds.find((candidate) => candidate.table === table);
  return relation === undefined ? null : declaredColumns(relation);
}

/** The related row's id a row points at, or null (no relation). */
export function foreignId(row: Row, relation: EmbeddedRelation): string | null {
  const value = row[relation.foreignKey];
  return typeof value === 'number' || typeof value === 'string' ? String(value) : null;
}
