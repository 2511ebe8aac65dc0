// Jest global setup: builds the WebAssembly kernel (dist/kernel.wasm) from src/kernel/assembly
// before the tests, so they never run a stale build of it (about 2 s; `npm run build` does the same).
const { execSync } = require('node:child_process');
const path = require('node:path');

module.exports = () => {
  execSync('npm run --silent build:kernel', { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
};
