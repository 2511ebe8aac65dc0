// `npm run build`, build:bundle's first step: dist/src/cli/cli.js and worker.js, the esbuild
// bundles of src/cli/cli.ts and worker.ts that the launcher (src/cli/main.ts) loads, as
// `esbuild src/cli/cli.ts src/cli/worker.ts --bundle --platform=node --target=node20
// --outdir=dist/src/cli --sourcemap --minify-whitespace --charset=ascii --external:vega
// --external:vega-lite` would make them, with one difference: zod's messages are English only
// (./zod-english-only.js, as in the browser page's bundles). why: the other languages were 300 KB
// of cli.js's 1.39 MB, bytes every run reads, hashes and runs the top level of; cli.js is 1.08 MB.
'use strict';
const { join } = require('node:path');
const esbuild = require('esbuild');
const englishOnly = require('./zod-english-only');

const root = join(__dirname, '..');

esbuild.build({
  entryPoints: [join(root, 'src/cli/cli.ts'), join(root, 'src/cli/worker.ts')],
  bundle: true, platform: 'node', target: 'node20', outdir: join(root, 'dist/src/cli'), sourcemap: true,
  minifyWhitespace: true, charset: 'ascii', external: ['vega', 'vega-lite'], logLevel: 'warning', plugins: [englishOnly],
}).catch(() => { process.exitCode = 1; });
