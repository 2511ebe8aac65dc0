/**
 * The arrows of README's Architecture, checked by dependency-cruiser (`npm run lint:deps`, run in
 * .ci/run): cli → scenario, stats, report → kernel → sim → workload, os, nat → engine, random.
 * A module may import its own folder and any folder to the right of it, never to the left; no
 * import cycles; nothing below cli/ reaches the file system, the process, the clock's
 * host-side modules or threads (scenario/load.ts, the scenario's one reader of files, excepted).
 * src/web/ (the browser page, #18) is a second edge beside cli/: it may import every layer but
 * cli/, and nothing imports it. test/oracle/ (the JS engine, the second implementation of the
 * model that the kernel is tested against) may import src/ below cli/; nothing in src/ imports
 * test/, so the oracle never ships.
 */
// Each layer with the folders it may import besides its own.
const LAYERS = {
  random: [],
  engine: [],
  os: ['engine', 'random'],
  nat: ['engine', 'random'],
  workload: ['engine', 'random'],
  sim: ['workload', 'os', 'nat', 'engine', 'random'],
  kernel: ['sim', 'workload', 'os', 'nat', 'engine', 'random'],
  scenario: ['kernel', 'sim', 'workload', 'os', 'nat', 'engine', 'random'],
  stats: ['kernel', 'sim', 'workload', 'os', 'nat', 'engine', 'random'],
  report: ['stats', 'kernel', 'sim', 'workload', 'os', 'nat', 'engine', 'random'],
};
const ALL = ['cli', ...Object.keys(LAYERS)];

const arrows = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `arrow-from-${layer}`,
  comment: `src/${layer}/ may import only ${allowed.length ? allowed.map((l) => `src/${l}/`).join(', ') : 'itself'} (README, Architecture)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${ALL.filter((l) => l !== layer && !allowed.includes(l)).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...arrows,
    {
      name: 'web-is-an-edge',
      comment: 'src/web/ (the browser page) may import every layer but src/cli/ (README, Architecture)',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'nothing-imports-web',
      comment: 'src/web/ is an edge: nothing else imports it',
      severity: 'error',
      from: { pathNot: '^src/web/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'src-never-imports-test',
      comment: 'test/ (the oracle included) is not shipped: nothing in src/ may import it (README, Architecture)',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'oracle-is-model-only',
      comment: 'test/oracle/ (the JS engine) is the model alone: it may import src/ below cli/, never cli/ or web/',
      severity: 'error',
      from: { path: '^test/oracle/' },
      to: { path: '^src/(cli|web)/' },
    },
    {
      name: 'no-cycle',
      comment: 'import cycles make the layering meaningless and the load order fragile',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-io-below-cli',
      comment: 'nothing below src/cli/, nor the oracle, touches the file system, the process, threads or the host (scenario/load.ts is the scenario layer\'s one reader)',
      severity: 'error',
      from: { path: '^(src/(?!cli/)|test/oracle/)', pathNot: '^src/scenario/load\\.ts$|\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|process|child_process|worker_threads|os|net|http|https|readline|cluster|dgram|perf_hooks|timers)$' },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that does not resolve is a typo or a missing dependency',
      severity: 'error',
      from: {},
      // portsim:worker and portsim:scenarios are made by the page's build (scripts/build-web.js), which
      // runs after build:kernel has made dist/kernel.wasm (not there yet in a clean clone).
      to: { couldNotResolve: true, pathNot: '^portsim:|dist/kernel\\.wasm$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
    exclude: { path: '^src/kernel/assembly/' },
  },
};
