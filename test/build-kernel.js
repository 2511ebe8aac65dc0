// Jest global setup: builds the WebAssembly kernel (dist/kernel.wasm) from src/kernel/assembly
// before the tests, so they never run a stale build of it (about 2 s; `npm run build` does the same),
// and bundles the worker-thread entry (src/cli/worker.ts) for the tests that start worker threads
// from the sources (test/setup.ts hands it to src/cli/pool.ts).
const { execSync } = require('node:child_process');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

module.exports = () => {
  execSync('npm run --silent build:kernel', { cwd: root, stdio: 'inherit' });
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src/cli/worker.ts')],
    outfile: path.join(root, 'dist/test/worker.js'),
    bundle: true, platform: 'node', target: 'node20', external: ['vega', 'vega-lite'], logLevel: 'warning',
  });
};
