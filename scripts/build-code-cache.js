// `npm run build`, last step: makes dist/src/cli/cli.js.cache, the V8 code cache that the CLI
// launcher (src/cli/launch.ts) loads the bundled CLI with, by one run of the default scenario
// (into a temporary folder, removed after) with PORTSIM_WRITE_CODE_CACHE=1. Only Node built-ins.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'portsim-code-cache-'));
try {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'run', join(root, 'scenarios', 'default.yaml'), '--out', out, '--quiet'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORTSIM_WRITE_CODE_CACHE: '1' },
  });
  if (r.status !== 0) {
    process.stderr.write(`build-code-cache: the training run failed (${r.error?.message ?? `exit code ${r.status}`})\n`);
    process.exitCode = 1;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
