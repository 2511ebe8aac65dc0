// `npm run build`, build:bundle's first step: dist/src/cli/cli.js and worker.js, the esbuild
// bundles of src/cli/cli.ts and worker.ts that the launcher (src/cli/main.ts) loads, as
// `esbuild src/cli/cli.ts src/cli/worker.ts --bundle --platform=node --target=node20
// --outdir=dist/src/cli --sourcemap --minify-whitespace --charset=ascii --external:vega
// --external:vega-lite` would make them, with one difference: zod's locales are English only.
//
// why: `import { z } from 'zod'` reaches zod's namespace of every locale (v4/locales/index.js,
// re-exported as z.locales and core.locales), which esbuild cannot drop, and 48 languages' error
// messages were 300 KB of cli.js's 1.39 MB: bytes every run reads, hashes and runs the top level
// of. portsim only ever shows zod's English messages (zod sets English itself, from
// v4/locales/en.js, which stays); nothing reads z.locales. cli.js: 1.39 MB -> 1.08 MB.
'use strict';
const { join, sep } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const zodV4 = `${sep}node_modules${sep}zod${sep}v4${sep}`;
const englishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) => (a.importer.includes(zodV4) ? { path: 'zod-locales-en', namespace: 'zod-english-only' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(join(root, 'node_modules', 'zod', 'v4', 'locales', 'en.js'))};\n`,
      resolveDir: root,
    }));
  },
};

esbuild.build({
  entryPoints: [join(root, 'src/cli/cli.ts'), join(root, 'src/cli/worker.ts')],
  bundle: true, platform: 'node', target: 'node20', outdir: join(root, 'dist/src/cli'), sourcemap: true,
  minifyWhitespace: true, charset: 'ascii', external: ['vega', 'vega-lite'], logLevel: 'warning', plugins: [englishOnly],
}).catch(() => { process.exitCode = 1; });
