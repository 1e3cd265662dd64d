import { loadGatewayConfig } from '../config/gateway-config.js';
import { errorMessage } from '../errors.js';
import { seedDemoDataIfEmpty } from './local-stack.js';

/** npm run seed [-- --size N]: loads the deterministic demo data into an empty database. */
async function main(argv: readonly string[]): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const sizeIndex = argv.indexOf('--size');
  const size = sizeIndex === -1 ? config.demoDataSize : Number(argv[sizeIndex + 1]);
  if (!Number.isInteger(size) || size < 1) throw new Error(`--size must be a positive integer, got ${argv[sizeIndex + 1]}`);
  const loaded = await seedDemoDataIfEmpty(config, size, (line) => console.error(line));
  if (!loaded) console.error('the database already holds products; nothing loaded');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`seed failed: ${errorMessage(error)}`);
  process.exit(1);
});
