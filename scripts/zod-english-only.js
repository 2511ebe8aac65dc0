// An esbuild plugin for every bundle of portsim that holds zod (scripts/bundle-cli.js: the CLI;
// scripts/build-web.js: the browser page and its worker): zod's message translations, which its
// namespace export (z.locales) pulls in for every language (about 300-380 KiB minified in each
// bundle), are resolved to English alone. portsim's messages are its own and English; zod sets
// English itself (from locales/en.js, which stays), and nothing reads z.locales.
'use strict';
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');

module.exports = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /locales\/index\.js$/ }, (a) => (/[\\/]zod[\\/]/.test(a.importer)
      ? { path: join(a.resolveDir, dirname(a.path), 'en.js'), namespace: 'zod-en' }
      : undefined));
    build.onLoad({ filter: /.*/, namespace: 'zod-en' }, (a) => ({ contents: `export { default as en } from ${JSON.stringify(a.path)};`, resolveDir: root }));
  },
};
