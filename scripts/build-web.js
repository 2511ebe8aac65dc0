#!/usr/bin/env node
/**
 * Builds the browser page (#18): dist/web/index.html, one self-contained file that works opened
 * from disk (file://) and from any static host, fetching nothing. esbuild bundles the worker
 * (src/web/worker.ts, with dist/kernel.wasm inlined as bytes) into a script that the page's
 * bundle (src/web/main.ts) holds as text and starts from a blob: URL; the shipped scenarios
 * (scenarios/*.yaml) are bundled as a menu. Both scripts are minified and inlined into
 * src/web/page.html. Run after build:kernel (npm run build does).
 */
const { readdirSync, readFileSync, mkdirSync, writeFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const out = join(root, 'dist', 'web');

const common = {
  bundle: true, minify: true, platform: 'browser', target: ['chrome100', 'firefox100', 'safari15'], format: 'iife', write: false,
  logLevel: 'warning', legalComments: 'none',
  // The scenario layer's file reading (profile, trace and durations files) is not reached from the page: the
  // page parses text (parseScenario) and such a scenario fails with the command line's message.
  // csv-stringify's own browser build (its Node build uses Buffer).
  alias: { 'node:path': 'path-browserify', 'node:fs': join(root, 'scripts', 'web-no-fs.js'), 'csv-stringify/sync': 'csv-stringify/browser/esm/sync' },
  define: { 'process.env.NODE_ENV': '"production"', PORTSIM_VERSION: JSON.stringify(require('../package.json').version) },
  inject: [join(root, 'scripts', 'web-process.js')],
  loader: { '.wasm': 'binary' },
  absWorkingDir: root,
};

/** Virtual modules: the worker's script as text, and the shipped scenarios. */
function virtual(modules) {
  return {
    name: 'portsim-virtual',
    setup(build) {
      build.onResolve({ filter: /^portsim:/ }, (a) => ({ path: a.path, namespace: 'portsim' }));
      build.onLoad({ filter: /.*/, namespace: 'portsim' }, (a) => ({ contents: JSON.stringify(modules[a.path]), loader: 'json' }));
    },
  };
}

/** zod's message translations: English only (./zod-english-only.js). */
const englishOnlyZod = require('./zod-english-only');

function scenarios() {
  const dir = join(root, 'scenarios');
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

async function main() {
  const worker = await esbuild.build({ ...common, entryPoints: [join(root, 'src/web/worker.ts')], plugins: [englishOnlyZod] });
  const workerJs = worker.outputFiles[0].text;
  const page = await esbuild.build({
    ...common,
    entryPoints: [join(root, 'src/web/main.ts')],
    plugins: [englishOnlyZod, virtual({ 'portsim:worker': workerJs, 'portsim:scenarios': scenarios() })],
  });
  // Inline: "</script" inside the script's strings or regexps would end the element early.
  const js = page.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
  const template = readFileSync(join(root, 'src/web/page.html'), 'utf8');
  const html = template.replace('<!--SCRIPT-->', () => `<script>${js}</script>`);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.html'), html);
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  if (process.argv.includes('--sizes')) console.log(`dist/web/index.html: ${kb(statSync(join(out, 'index.html')).size)} (worker ${kb(workerJs.length)})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
