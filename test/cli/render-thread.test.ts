import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli';

/**
 * The built CLI draws a run's charts on the renderer's thread (src/cli/renderer.ts), from
 * dist/src/cli/render-worker.js: vega and vega-lite bundled, loaded through the launcher with
 * V8's code cache made by the build. The charts and report.html must be the bytes the sources
 * draw on the main thread (what the rest of the suite runs). Runs the built CLI (npm run build).
 */
const DIST = join(__dirname, '..', '..', 'dist', 'src', 'cli');
const DEFAULT = join(__dirname, '..', '..', 'scenarios', 'default.yaml');
const ARGS = [DEFAULT, '--duration', '3m', '--set', 'warmup=1m', '--quiet'];

function built(out: string) {
  const r = spawnSync(process.execPath, [join(DIST, 'main.js'), 'run', ...ARGS, '--out', out], { encoding: 'utf8', timeout: 60_000 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
}

test('the renderer thread of the built CLI draws the same bytes as the sources on the main thread', async () => {
  expect(existsSync(join(DIST, 'render-worker.js.cache'))).toBe(true);
  const here = join(tempDir(), 'here');
  expect(await cli('run', ...ARGS, '--out', here)).toEqual({ code: 0, out: '', err: '' });
  const thread = join(tempDir(), 'thread');
  built(thread);
  for (const f of ['pool-use.svg', 'compare.svg', 'report.html']) {
    const expected = readFileSync(join(here, f), 'utf8');
    expect(readFileSync(join(thread, f), 'utf8')).toBe(expected);
  }
}, 120_000);
