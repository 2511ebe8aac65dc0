import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli';

/**
 * The built CLI exits when a command ends, whatever ended it: `run` without --no-report starts
 * the chart renderer's thread at launch (src/cli/renderer.ts), and bad input must not leave the
 * process waiting on it. Runs the built CLI (npm run build).
 */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const DEFAULT = join(__dirname, '..', '..', 'scenarios', 'default.yaml');

test.each([
  ['a file that does not exist', ['run', 'no-such-scenario.yaml']],
  ['a rate above the limit', ['run', DEFAULT, '--set', 'workloads.requests.arrivals.rate=1000000000/s']],
  ['work above the budget', ['run', DEFAULT, '--duration', '24h', '--set', 'sample=1us']],
])('run with the report on and %s exits 2 at once', (_what, argv) => {
  const r = spawnSync(process.execPath, [CLI, ...argv, '--out', join(tempDir(), 'out')], { timeout: 20_000, encoding: 'utf8' });
  expect(r.signal).toBeNull(); // not killed by the timeout
  expect(r.status).toBe(2);
  expect(r.stderr).not.toBe('');
}, 30_000);
