/**
 * Applies `NNN_description.sql` files in order and records each in `schema_migrations`. A
 * server-wide named lock (GET_LOCK, supported by MariaDB, MySQL and TiDB) makes two processes that
 * start together take turns: the second finds everything applied and does nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { errorMessage, GatewayError } from '../errors.js';
import { splitSqlStatements } from './sql-statements.js';

const LOCK_NAME = 'gateway_migrations';
const LOCK_TIMEOUT_SECONDS = 30;
const MIGRATION_NAME = /^(\d{3,})_[^\\/]+\.sql$/;

export interface MigrationFile {
  readonly name: string;
  /** sha256 of the file with CRLF normalised to LF, so a checkout's line endings do not matter. */
  readonly checksum: string;
  readonly sql: string;
}

/** `<repo>/migrations`, found from this module's location in src/ or in any compiled output tree. */
export function migrationsDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    // Requiring migrations/ too skips stray package.json files between here and the repository.
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'migrations'))) {
      return join(directory, 'migrations');
    }
    const parent = dirname(directory);
    if (parent === directory) return join(process.cwd(), 'migrations');
    directory = parent;
  }
}

/** The directory's migration files in apply order; other files are ignored, misnamed .sql files refused. */
export async function readMigrationFiles(directory: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new GatewayError('CONFIG_INVALID', `cannot read migrations directory ${directory}: ${errorMessage(error)}`, { cause: error });
  }
  const numbered: { name: string; number: number }[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.sql'))) {
    const match = MIGRATION_NAME.exec(name);
    if (match === null) {
      throw new GatewayError('CONFIG_INVALID', `migration file ${name} must be named NNN_description.sql`, { details: { directory } });
    }
    numbered.push({ name, number: Number(match[1]) });
  }
  numbered.sort((a, b) => a.number - b.number);
  for (let i = 1; i < numbered.length; i += 1) {
    const [previous, current] = [numbered[i - 1], numbered[i]];
    if (previous !== undefined && current !== undefined && previous.number === current.number) {
      throw new GatewayError(
        'CONFIG_INVALID',
        `migrations ${previous.name} and ${current.name} share a number, so their order is ambiguous`,
      );
    }
  }
  return Promise.all(
    numbered.map(async ({ name }) => {
      const sql = (await readFile(join(directory, name), 'utf8')).replace(/\r\n/g, '\n');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies the directory's pending migrations to the pool's database, in order. Refuses, before
 * applying anything, if a recorded migration's file has changed since it was applied. Ledger rows
 * without a file are left alone. Resolves with the names applied by this call (empty when none).
 */
export async function applyMigrations(pool: Pool, directory: string): Promise<{ applied: string[] }> {
  const files = await readMigrationFiles(directory);
  // Everything runs on one connection: a named lock belongs to the session that took it.
  const connection = await pool.getConnection();
  let locked = false;
  try {
    locked = await acquireLock(connection);
    await ensureLedger(connection);
    const recorded = await readLedger(connection);
    for (const file of files) {
      const checksum = recorded.get(file.name);
      if (checksum !== undefined && checksum !== file.checksum) {
        throw new GatewayError(
          'CONFIG_INVALID',
          `migration ${file.name} changed after it was applied (recorded checksum ${checksum}, file now ${file.checksum}); add a new migration instead of editing an applied one`,
          { details: { migration: file.name, recordedChecksum: checksum, fileChecksum: file.checksum } },
        );
      }
    }
    const applied: string[] = [];
    for (const file of files.filter(({ name }) => !recorded.has(name))) {
      await applyFile(connection, file);
      applied.push(file.name);
    }
    return { applied };
  } finally {
    await releaseConnection(connection, locked);
  }
}

async function acquireLock(connection: PoolConnection): Promise<true> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [LOCK_NAME, LOCK_TIMEOUT_SECONDS]);
  // With bigNumberStrings the result may arrive as the string '1'.
  if (Number(rows[0]?.['acquired']) !== 1) {
    throw new GatewayError(
      'DATABASE_UNAVAILABLE',
      `could not take the ${LOCK_NAME} lock within ${LOCK_TIMEOUT_SECONDS}s; another process may be migrating`,
    );
  }
  return true;
}

async function releaseConnection(connection: PoolConnection, locked: boolean): Promise<void> {
  if (!locked) {
    connection.release();
    return;
  }
  try {
    await connection.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    connection.release();
  } catch {
    // A session's locks die with it: closing the connection is a sure release, and the original
    // error (if any) is the one worth reporting.
    connection.destroy();
  }
}

async function ensureLedger(connection: PoolConnection): Promise<void> {
  await connection.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL,
    checksum CHAR(64) NOT NULL,
    applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uk_schema_migrations_name (name)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
}

async function readLedger(connection: PoolConnection): Promise<Map<string, string>> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT name, checksum FROM schema_migrations');
  return new Map(rows.map((row) => [String(row['name']), String(row['checksum'])]));
}

async function applyFile(connection: PoolConnection, file: MigrationFile): Promise<void> {
  let statements: string[];
  try {
    statements = splitSqlStatements(file.sql);
  } catch (error) {
    throw new GatewayError('CONFIG_INVALID', `migration ${file.name} cannot be split into statements: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  if (statements.length === 0) throw new GatewayError('CONFIG_INVALID', `migration ${file.name} contains no statements`);
  for (const [index, statement] of statements.entries()) {
    try {
      await connection.query(statement);
    } catch (error) {
      // DDL commits implicitly in MySQL, so earlier statements of this file stay applied.
      throw new GatewayError(
        'INTERNAL',
        `migration ${file.name} failed at statement ${index + 1} of ${statements.length}: ${errorMessage(error)}` +
          (index > 0 ? `; statements 1-${index} were applied and must be undone by hand before retrying` : ''),
        { cause: error, details: { migration: file.name, statement: index + 1 } },
      );
    }
  }
  await connection.execute('INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)', [file.name, file.checksum]);
}
