import { createHash } from 'node:crypto';
import type { EmbeddedRelation } from '../../../schema/entity.js';
import type { Row } from '../../../rows/row.js';

/*
 * Which changes of a related row are worth rewriting the documents that embed it. An order line
 * embeds its product for the category and brand; the product's stock changes with every sale, and
 * rewriting every line of a best-seller on each of them would multiply the write load (measured:
 * a single-product batch went from ~25 ms to ~190 ms once order lines embedded products). A
 * relation that lists the related columns its `toDocument` reads lets the applier skip the others:
 * the guard document of the related row keeps a digest of those columns per embedding index, and a
 * newer change with the same digest only moves the guard forward. A relation without `columns`
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
