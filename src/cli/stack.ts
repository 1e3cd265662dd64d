import { loadStackConfig } from '../config/stack-config.js';
import { errorMessage } from '../errors.js';
import { repoRoot } from '../repo-root.js';
import { createStackContext, lastLogLines, stackDown, stackReset, stackStatus, stackUp, stackServices } from '../stack/stack.js';
import type { ServiceName } from '../stack/stack-context.js';
import { stackEnvironment } from '../stack/stack-env.js';

const usage = `Usage: npm run stack -- <command> [service]

  up [service...]   install what is missing and start the local stack (idempotent)
  down              stop every process the stack started
  status            each service with its state, port and pid
  env               connection variables of the stack, one per line (for export)
  logs [service]    last lines of each service's log, or of one
  reset             stop and delete all stack data (downloads are kept)

Services: ${stackServices.map((s) => s.name).join(', ')}. Data and logs live in .stack/ (STACK_DIR).
Ports: MYSQL_PORT, REDIS_PORT, KAFKA_PORT, ELASTICSEARCH_PORT, CONNECT_PORT, SCHEMA_REGISTRY_PORT.
Versions: KAFKA_VERSION, ELASTICSEARCH_VERSION, DEBEZIUM_VERSION.`;

function serviceNames(args: readonly string[]): ServiceName[] | undefined {
  if (args.length === 0) return undefined;
  const known = stackServices.map((s) => s.name) as string[];
  const unknown = args.filter((arg) => !known.includes(arg));
  if (unknown.length > 0) throw new Error(`unknown service ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return args as ServiceName[];
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage);
    return command === undefined ? 1 : 0;
  }
  const config = loadStackConfig(process.env, repoRoot());
  const context = createStackContext(config, process.env, (line) => console.error(`[stack] ${line}`));
  switch (command) {
    case 'up': {
      const began = Date.now();
      await stackUp(context, serviceNames(rest));
      console.error(`[stack] up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'down':
      await stackDown(context);
      return 0;
    case 'reset':
      await stackReset(context);
      return 0;
    case 'status': {
      const rows = await stackStatus(context);
      console.log(['SERVICE', 'STATE', 'PORT', 'PID'].map((h, i) => h.padEnd([14, 30, 7, 8][i] ?? 8)).join(''));
      for (const row of rows) {
        console.log(`${row.service.padEnd(14)}${row.state.padEnd(30)}${String(row.port).padEnd(7)}${row.pid ?? '-'}`);
      }
      return 0;
    }
    case 'env':
      for (const [name, value] of Object.entries(stackEnvironment(config))) console.log(`${name}=${value}`);
      return 0;
    case 'logs': {
      for (const service of serviceNames(rest) ?? stackServices.map((s) => s.name)) {
        console.log(`==> ${service} <==\n${lastLogLines(context, service, 60)}\n`);
      }
      return 0;
    }
    default:
      console.error(`unknown command ${command}\n\n${usage}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[stack] ${errorMessage(error)}`);
    process.exit(1);
  },
);
