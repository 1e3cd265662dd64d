/**
 * The row model every layer shares: what a row is, what its values look like and how its versions
 * compare. The read path (mysql2), every CDC decoder, the cache and the index all speak it.
 */

/** A row as a map from column name to a JSON-safe value in the gateway's canonical representation. */
export type Row = Record<string, RowValue>;

/**
 * Canonical column values (the same representation the read path produces from mysql2):
 * - integers that fit in 2^53 as numbers, larger BIGINTs as decimal strings;
 * - DECIMAL as an exact decimal string with the column's scale ("19.90");
 * - DATETIME / TIMESTAMP as ISO-8601 UTC strings with millisecond precision ("2025-03-01T10:15:30.123Z");
 * - DATE as "YYYY-MM-DD", TIME as "hh:mm:ss[.ffffff]";
 * - JSON columns as parsed JSON values; TINYINT(1) flags (declared `bool`) as true/false;
 * - BLOB/BINARY as base64 strings; NULL as null.
 */
export type RowValue = string | number | boolean | null | RowValue[] | { [key: string]: RowValue };

/**
 * A monotonic per-row version. Comparable only between changes of the same row coming from the
 * same source: binlog coordinates for Debezium/Maxwell, TiCDC commitTs, Canal execute time plus
 * the Kafka offset as a tiebreak (see docs/versions.md). Always below 2^63 so Elasticsearch accepts
 * it as an external version.
 */
export type RowVersion = bigint;

/** The largest version Elasticsearch accepts as an external version. */
export const MAX_ROW_VERSION: RowVersion = (1n << 63n) - 1n;
