import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { loadGatewayConfig } from '../../../src/config/gateway-config.js';
import { createMysqlPool } from '../../../src/db/mysql-pool.js';
import { repoRoot } from '../../../src/repo-root.js';
import { libraryEnv } from '../../support/library-harness.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function generate(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/src/cli/generate.js', ...args], { cwd: repoRoot(), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

const withDatabase = (url: string, database: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

describe('npm run generate against the real MariaDB', () => {
  const database = `shop_test_gen_${randomBytes(4).toString('hex')}`;
  const config = loadGatewayConfig(process.env);
  // Read with the gateway's read-only account, as the README says; written by the app's writer.
  const from = withDatabase(config.mysql.url, database);
  let writer: Pool;
  let out: string;

  before(async () => {
    const admin = createMysqlPool({ url: config.mysql.writerUrl, poolSize: 1 });
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    await admin.end();
    writer = createMysqlPool({ url: withDatabase(config.mysql.writerUrl, database), poolSize: 1 });
    await writer.query(`CREATE TABLE shelves (
      code CHAR(36) NOT NULL PRIMARY KEY, label VARCHAR(40) NOT NULL, floor TINYINT NULL, heated TINYINT(1) NOT NULL DEFAULT 0,
      capacity INT UNSIGNED NULL, notes TEXT NULL, layout JSON NULL, opened_on DATE NULL, opens_at TIME NULL)`);
    await writer.query(`CREATE TABLE crates (
      id BIGINT UNSIGNED NOT NULL PRIMARY KEY, shelf_code CHAR(36) NULL, tag BINARY(16) NOT NULL, weight DECIMAL(9,3) NOT NULL,
      ratio DOUBLE NULL, kind ENUM('wood','steel') NOT NULL, photo BLOB NULL, packed_at DATETIME(6) NOT NULL, seen_at TIMESTAMP(3) NULL,
      CONSTRAINT fk_crates_shelf FOREIGN KEY (shelf_code) REFERENCES shelves (code))`);
    await writer.query(`CREATE TABLE crate_moves (
      crate_id BIGINT UNSIGNED NOT NULL, step SMALLINT NOT NULL, moved_at DATETIME(3) NOT NULL, PRIMARY KEY (crate_id, step),
      CONSTRAINT fk_moves_crate FOREIGN KEY (crate_id) REFERENCES crates (id))`);
    await writer.query('CREATE TABLE no_key (a INT NULL)');
    // The output folder's name is the schema's name.
    out = join(mkdtempSync(join(tmpdir(), 'gateway-generate-')), 'crates');
  });
  after(async () => {
    await writer.query(`DROP DATABASE \`${database}\``);
    await writer.end();
    rmSync(dirname(out), { recursive: true, force: true });
  });

  const fileOf = (name: string) => readFileSync(join(out, name), 'utf8');

  it('writes a declaration file per table with types, nullability, keys and relations read from information_schema', async () => {
    const run = await generate(['--from', from, '--tables', 'shelves,crates,crate_moves', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['crate-move.type.ts', 'crate.type.ts', 'index.ts', 'shelf.type.ts']);
    const shelf = fileOf('shelf.type.ts');
    for (const line of [
      "primaryKey: 'code',",
      'code: notNull(col.uuid()),',
      'label: notNull(col.string({ maxLength: 40 })),',
      'floor: col.int(),',
      'heated: notNull(col.bool()),',
      'capacity: col.int(),',
      'notes: col.string(),',
      'layout: col.json(),',
      'opened_on: col.date(),',
      'opens_at: col.time(),',
      "{ kind: 'hasMany', field: 'crates', table: 'crates', foreignKey: 'shelf_code' }",
      '@Field(() => Float, { nullable: true }) capacity!: number | null;',
      '@Field(() => JSONScalar, { nullable: true }) layout!: unknown;',
    ]) {
      assert.ok(shelf.includes(line), `shelf.type.ts has ${line}`);
    }
    const crate = fileOf('crate.type.ts');
    for (const line of [
      'id: notNull(col.bigint({ unsigned: true })),',
      'shelf_code: col.uuid(),',
      'tag: notNull(col.uuidBinary()),',
      'weight: notNull(col.decimal(3)),',
      'ratio: col.float(),',
      'kind: notNull(col.enum()),',
      'photo: col.binary(),',
      'packed_at: notNull(col.datetime(6)),',
      'seen_at: col.timestamp(3),',
      "{ kind: 'belongsTo', field: 'shelf', table: 'shelves', columns: ['shelf_code'] }",
      "{ kind: 'hasMany', field: 'crateMoves', table: 'crate_moves', foreignKey: 'crate_id' }",
    ]) {
      assert.ok(crate.includes(line), `crate.type.ts has ${line}`);
    }
    assert.ok(fileOf('crate-move.type.ts').includes("primaryKey: ['crate_id', 'step'],"));
    assert.doesNotMatch(shelf + crate, /search:/);
  });

  it('leaves unchanged files alone, and shows a diff instead of overwriting an edited one until --force', async () => {
    const rerun = await generate(['--from', from, '--tables', 'shelves,crates,crate_moves', '--out', out]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(rerun.stderr.match(/unchanged/g)?.length, 4, rerun.stderr);

    const edited = fileOf('shelf.type.ts').replace(
      'cache: defaultCachePolicy,',
      "cache: { ...defaultCachePolicy, onChange: 'invalidate' },",
    );
    writeFileSync(join(out, 'shelf.type.ts'), edited);
    await writer.query('ALTER TABLE crates ADD COLUMN sealed TINYINT(1) NULL');
    const refused = await generate(['--from', from, '--tables', 'shelves,crates,crate_moves', '--out', out]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^- {2}cache: \{ \.\.\.defaultCachePolicy, onChange: 'invalidate' \},$/m);
    assert.match(refused.stdout, /^\+ {2}cache: defaultCachePolicy,$/m);
    assert.match(refused.stderr, /edited since generated\s+.*shelf\.type\.ts/);
    assert.match(refused.stderr, /nothing written/);
    assert.equal(fileOf('shelf.type.ts'), edited, 'the edit is kept');
    assert.doesNotMatch(fileOf('crate.type.ts'), /sealed/, 'no file is written while one is in conflict');

    const forced = await generate(['--from', from, '--tables', 'shelves,crates,crate_moves', '--out', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(fileOf('shelf.type.ts').includes('  cache: defaultCachePolicy,'));
    assert.ok(fileOf('crate.type.ts').includes('sealed: col.bool(),'));
  });

  it('refuses a table without a primary key, naming it, and an output folder that cannot name a schema', async () => {
    const run = await generate(['--from', from, '--tables', 'shelves,no_key', '--out', join(out, 'other')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no_key has no primary key/);
    const badName = await generate(['--from', from, '--tables', 'shelves', '--out', join(out, 'My-Schema')]);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /lowercase letters, digits and _, got My-Schema/);
  });

  it('generated the committed library declarations: the command reproduces them from the library database', async () => {
    // The folder's name is the schema's (libraryModels in index.ts).
    const libraryParent = mkdtempSync(join(tmpdir(), 'gateway-generate-'));
    const libraryOut = join(libraryParent, 'library');
    try {
      const run = await generate([
        '--from',
        libraryEnv().MYSQL_URL ?? '',
        '--tables',
        'authors,genres,books,members,loans',
        '--search',
        'genres:name,slug',
        '--out',
        libraryOut,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const committed = join(repoRoot(), 'src', 'schema', 'generated', 'library');
      const srcFromOut = `${relative(libraryOut, join(repoRoot(), 'src'))}/`;
      const comparable = (text: string) => text.replace(/^\/\/ generated-checksum: .*\n/m, '');
      for (const file of readdirSync(committed)) {
        const fresh = readFileSync(join(libraryOut, file), 'utf8').split(srcFromOut).join('../../../');
        assert.equal(comparable(fresh), comparable(readFileSync(join(committed, file), 'utf8')), file);
      }
    } finally {
      rmSync(libraryParent, { recursive: true, force: true });
    }
  });
});
