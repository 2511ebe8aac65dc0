// `npm run build`, last step: makes dist/src/cli/cli.js.cache, worker.js.cache and
// render-worker.js.cache, the V8 code caches that the CLI launcher (src/cli/main.ts) loads the
// bundled CLI, a simulation worker thread (src/cli/pool.ts) and the chart renderer's thread with,
// by one run of the default scenario (two profiles: both run charts, one on each of two threads,
// --jobs 2 whatever the machine; into a temporary folder, removed after) with
// PORTSIM_WRITE_CODE_CACHE=1. Only Node built-ins.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'portsim-code-cache-'));
const caches = ['cli.js.cache', 'worker.js.cache', 'render-worker.js.cache'].map((f) => join(root, 'dist', 'src', 'cli', f));
for (const c of caches) rmSync(c, { force: true });
try {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'run', join(root, 'scenarios', 'default.yaml'), '--out', out, '--quiet', '--jobs', '2'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORTSIM_WRITE_CODE_CACHE: '1' },
  });
  if (r.status !== 0) {
    process.stderr.write(`build-code-cache: the training run failed (${r.error?.message ?? `exit code ${r.status}`})\n`);
    process.exitCode = 1;
  }
  for (const c of caches) {
    if (!existsSync(c)) {
      process.stderr.write(`build-code-cache: the training run did not write ${c}\n`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
