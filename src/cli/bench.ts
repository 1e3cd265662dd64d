import { runBench } from '../../bench/run-bench.js';
import { errorMessage } from '../errors.js';

/** npm run bench [-- options]: the benchmarks (bench/), written to bench/results/. `--help` lists the options. */
runBench(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);
