/**
 * The layering of src/, lowest first. A module may import its own layer and any layer below it,
 * never one above: the row model knows nothing of the cache, the cache nothing of the CDC consumer,
 * the consumer nothing of the GraphQL server. `npm run lint` checks it, so it stays true.
 */
const layers = [
  ['errors.ts', 'repo-root.ts', 'retry-backoff.ts', 'config'],
  ['rows', 'observability'],
  ['schema', 'auth'],
  ['db', 'cache', 'index'],
  // generate: the declarations generator (reads information_schema, renders schema files).
  ['search', 'demo', 'generate'],
  // live: change events published by the consumer (sync) and fanned out to subscriptions (resolvers, server).
  ['sync', 'live'],
  ['reindex', 'check'],
  ['resolvers'],
  ['server', 'stack'],
  ['cli'],
];

const pathOf = (entries) => `^src/(${entries.map((entry) => entry.replace('.', '\\.')).join('|')})(/|$)`;

const layerRules = layers.slice(0, -1).map((layer, index) => ({
  name: `layer-${layer.join('+')}`,
  comment: `src/{${layer.join(',')}} must not import from a higher layer`,
  severity: 'error',
  from: { path: pathOf(layer) },
  to: { path: pathOf(layers.slice(index + 1).flat()) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    { name: 'no-circular', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    // `npm run bench` is the one way into bench/ from src/.
    { name: 'src-not-from-tests-or-bench', severity: 'error', from: { path: '^src/', pathNot: '^src/cli/bench\\.ts$' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(dist|node_modules)/' },
  },
};
