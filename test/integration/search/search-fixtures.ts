import assert from 'node:assert/strict';
import type { Pool } from 'mysql2/promise';
import type { EntityDeclaration } from '../../../src/schema/entity.js';
import { createSearchApplier } from '../../../src/sync/appliers/elasticsearch/search-applier.js';
import type { EntityChange } from '../../../src/sync/store-applier.js';
import type { GatewayHarness, GraphQLResponse } from '../../support/gateway-harness.js';
import { execute } from '../../support/writer.js';

/**
 * Test data for the search and analytics tests: rows inserted into MariaDB with unique ids (the
 * resolvers hydrate hits from there), then indexed through the real search applier at increasing
 * versions, as the CDC consumer would. Every insert is remembered and deleted by `cleanup`.
 */
export interface SearchFixture {
  insert(table: string, row: Record<string, unknown>): Promise<string>;
  /** Reads the rows from MariaDB and applies them to the harness's indices, then refreshes. */
  index(entity: EntityDeclaration, ids: readonly string[]): Promise<void>;
  /** Applies deletes (tombstones) for these ids. */
  indexDeletes(entity: EntityDeclaration, ids: readonly string[]): Promise<void>;
  cleanup(): Promise<void>;
}

let nextBlock = 7_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
/** categories.id is an INT UNSIGNED: its blocks stay below 2^32. */
let nextSmallBlock = 3_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;

/** A block of consecutive ids no other test uses (the demo data stays far below). */
export function idBlock(size: number, column: 'bigint' | 'int' = 'bigint'): number {
  const start = column === 'int' ? nextSmallBlock : nextBlock;
  if (column === 'int') nextSmallBlock += size;
  else nextBlock += size;
  return start;
}

export function createSearchFixture(harness: GatewayHarness, writer: Pool): SearchFixture {
  const { services } = harness;
  const applier = createSearchApplier({
    client: services.search,
    rows: services.rows,
    registry: services.registry,
    indexPrefix: harness.config.elasticsearch.indexPrefix,
  });
  const inserted: { table: string; id: string }[] = [];
  let version = (1n << 60n) + BigInt(Date.now()) * 1000n;

  async function apply(changes: EntityChange[]): Promise<void> {
    await applier.apply({ changes, truncates: [] });
    // Every index: a change can rewrite the documents of other entities that embed it.
    await services.search.indices.refresh({ index: `${harness.config.elasticsearch.indexPrefix}*` });
  }

  return {
    async insert(table, row) {
      const columns = Object.keys(row);
      await execute(
        writer,
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        Object.values(row),
      );
      inserted.push({ table, id: String(row.id) });
      return String(row.id);
    },
    async index(entity, ids) {
      const rows = await services.rows.selectByIds(entity, ids);
      assert.equal(rows.size, ids.length, `every ${entity.table} row to index exists`);
      await apply(
        ids.map((id) => ({
          entity,
          id,
          change: {
            kind: 'row',
            format: 'debezium',
            database: 'shop',
            table: entity.table,
            op: 'update',
            key: { id },
            after: rows.get(id) ?? null,
            before: null,
            version: (version += 1n),
            committedAtMs: Date.now(),
            needsReread: false,
          },
        })),
      );
    },
    async indexDeletes(entity, ids) {
      await apply(
        ids.map((id) => ({
          entity,
          id,
          change: {
            kind: 'row',
            format: 'debezium',
            database: 'shop',
            table: entity.table,
            op: 'delete',
            key: { id },
            after: null,
            before: null,
            version: (version += 1n),
            committedAtMs: Date.now(),
            needsReread: false,
          },
        })),
      );
    },
    async cleanup() {
      const byTable = new Map<string, string[]>();
      for (const { table, id } of inserted) byTable.set(table, [...(byTable.get(table) ?? []), id]);
      for (const [table, ids] of byTable) await execute(writer, `DELETE FROM ${table} WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    },
  };
}

/**
 * Deletes the harness's indices by name: the harness's own wildcard delete is refused by
 * Elasticsearch 8 (action.destructive_requires_name), so without this every run leaves them behind.
 */
export async function deleteHarnessIndices(harness: GatewayHarness): Promise<void> {
  const { indices } = await harness.services.search.indices.resolveIndex({
    name: `${harness.config.elasticsearch.indexPrefix}*`,
    expand_wildcards: 'all',
  });
  if (indices.length > 0) await harness.services.search.indices.delete({ index: indices.map((index) => index.name) });
}

/** The response's data, failing the test with the errors when there are any. */
export function dataOf<T>(response: GraphQLResponse, field: string): T {
  assert.deepEqual(response.body.errors ?? [], [], `GraphQL errors: ${response.text.slice(0, 500)}`);
  const value = response.body.data?.[field];
  assert.ok(value !== undefined, `no data.${field} in ${response.text.slice(0, 300)}`);
  return value as T;
}

export function errorCodeOf(response: GraphQLResponse): string | undefined {
  return response.body.errors?.[0]?.extensions?.code;
}

export { waitFor } from '../../support/wait-for.js';
