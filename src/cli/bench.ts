import { runLiveBench } from '../../bench/live/live-bench.js';
import { runBench } from '../../bench/run-bench.js';
import { errorMessage } from '../errors.js';

/** npm run bench [-- options]: the benchmarks (bench/), written to bench/results/. `--help` lists the options. */
// `npm run bench -- live …`: the subscriptions bench (L1), on its own: it needs its own gateway processes.
const argv = process.argv.slice(2);
const running = argv[0] === 'live' ? runLiveBench(argv.slice(1), process.env).then(() => 0) : runBench(argv, process.env);
running.then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);
