import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { errorMessage } from '../errors.js';
import { createMysqlPool } from '../db/mysql-pool.js';
import type { FilePlan } from '../generate/generated-files.js';
import { filesToWrite, planFile } from '../generate/generated-files.js';
import { parseSearchOptions, renderSchemaFiles } from '../generate/generate-schema.js';
import { readTableShapes } from '../generate/schema-reader.js';
import { repoRoot } from '../repo-root.js';

const usage = `Usage: npm run generate -- --from <MYSQL_URL> [--tables a,b] [--out <folder>] [--search table:col,col]… [--force]

Reads the database's tables from information_schema (MySQL 8, MariaDB, TiDB) and writes one
TypeScript file per table (entity declaration, relations from foreign keys, GraphQL type) and an
index.ts, into --out (default src/schema/generated/<database>). Serve them with
GATEWAY_SCHEMA=<folder name> npm start (or npm start -- --schema <folder name>).

  --from     mysql://user:password@host:port/database (a read-only account is enough)
  --tables   only these tables (default: every base table)
  --out      the output folder; its name is the schema's name (lowercase letters, digits, _)
  --search   index these columns of the table in Elasticsearch (repeatable); tables are not searchable otherwise
  --force    overwrite files that were edited since they were generated
  --help     this text

Files edited since they were generated are never overwritten without --force: the run prints the
diff, writes nothing and exits 1. Unchanged files are left alone.`;

interface Options {
  readonly from: string;
  readonly tables: string[] | null;
  readonly out: string | null;
  readonly search: string[];
  readonly force: boolean;
}

function parseArguments(argv: readonly string[]): Options {
  let from: string | null = null;
  let tables: string[] | null = null;
  let out: string | null = null;
  const search: string[] = [];
  let force = false;
  for (let i = 0; i < argv.length; i += 1) {
    const argument = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${argument} needs a value\n\n${usage}`);
      i += 1;
      return next;
    };
    if (argument === '--from') from = value();
    else if (argument === '--tables')
      tables = value()
        .split(',')
        .filter((table) => table !== '');
    else if (argument === '--out') out = value();
    else if (argument === '--search') search.push(value());
    else if (argument === '--force') force = true;
    else throw new Error(`unknown option ${argument}\n\n${usage}`);
  }
  if (from === null) throw new Error(`--from is required\n\n${usage}`);
  return { from, tables, out, search, force };
}

/** Prettier with the project's settings, so generated files pass `npm run lint` as written. */
async function prettierFormat(root: string): Promise<(source: string) => Promise<string>> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(join(root, 'src', 'index.ts'))) ?? {};
  return (source) => prettier.format(source, { ...config, parser: 'typescript' });
}

function describe(plan: FilePlan, root: string): string {
  const path = relative(root, plan.path);
  const word = { create: 'created', update: 'regenerated', unchanged: 'unchanged', conflict: 'edited since generated' }[plan.action];
  return `  ${word.padEnd(24)}${path}`;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  const options = parseArguments(argv);
  const url = new URL(options.from);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]+$/.test(database)) throw new Error(`--from must name the database in its path, got ${JSON.stringify(url.pathname)}`);
  const root = repoRoot();
  const outDir =
    options.out === null
      ? join(root, 'src', 'schema', 'generated', database)
      : isAbsolute(options.out)
        ? options.out
        : join(process.cwd(), options.out);
  const srcPath = `${relative(outDir, join(root, 'src')).split('\\').join('/')}/`;
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(basename(outDir))) {
    throw new Error(
      `the output folder's name is the schema's name (GATEWAY_SCHEMA): lowercase letters, digits and _, got ${basename(outDir)}; choose one with --out`,
    );
  }
  const search = parseSearchOptions(options.search);

  const pool = createMysqlPool({ url: options.from, poolSize: 1 });
  let files: Map<string, string>;
  try {
    const tables = await readTableShapes(pool, database, options.tables);
    if (tables.length === 0) throw new Error(`database ${database} has no tables to generate`);
    files = await renderSchemaFiles(tables, { outDir, schemaName: basename(outDir), srcPath, search, format: await prettierFormat(root) });
  } finally {
    await pool.end();
  }

  const plans = [...files].map(([path, text]) => planFile(path, existsSync(path) ? readFileSync(path, 'utf8') : null, text));
  const writes = filesToWrite(plans, options.force);
  for (const plan of plans) console.error(describe(plan, root));
  const conflicts = plans.filter((plan) => plan.action === 'conflict');
  if (conflicts.length > 0 && !options.force) {
    for (const conflict of conflicts) if (conflict.action === 'conflict') console.log(conflict.diff);
    console.error(
      `\n${conflicts.length} file(s) were edited since they were generated; nothing written. Merge the diff by hand, or --force to overwrite.`,
    );
    return 1;
  }
  for (const { path, text } of writes) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  console.error(`${writes.length} file(s) written to ${relative(process.cwd(), outDir) || '.'}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`generate failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);
