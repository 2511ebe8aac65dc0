import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

/**
 * The launcher (src/cli/main.ts, dist/src/cli/main.js): it runs cli.js beside it as the main
 * module, with V8's code cache when the cache was made from that very file, and exactly as
 * without one otherwise. Here it is compiled into a temporary folder next to a small stand-in
 * for cli.js, and run as a child process.
 */
const STAND_IN = `#!/usr/bin/env node
"use strict";
if (require.main === module) {
  process.stdout.write(JSON.stringify({ args: process.argv.slice(2), dirname: __dirname, filename: __filename, exported: typeof module.exports }));
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portsim-test-launcher-'));
  const source = readFileSync(join(__dirname, '../../src/cli/main.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  writeFileSync(join(dir, 'main.js'), js);
  writeFileSync(join(dir, 'cli.js'), STAND_IN);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function launch(env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(dir, 'main.js'), 'run', 'x.yaml'], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const expected = () => JSON.stringify({ args: ['run', 'x.yaml'], dirname: dir, filename: join(dir, 'cli.js'), exported: 'object' });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

test('runs cli.js as the main module, with its arguments, folder and file name, without a cache', () => {
  expect(launch()).toEqual({ status: 0, stdout: expected(), stderr: '' });
});

test('PORTSIM_WRITE_CODE_CACHE=1 writes the cache, headed by the SHA-256 of cli.js; the next run uses it', () => {
  expect(launch({ PORTSIM_WRITE_CODE_CACHE: '1' })).toEqual({ status: 0, stdout: expected(), stderr: '' });
  const cache = readFileSync(join(dir, 'cli.js.cache'));
  expect(cache.subarray(0, 32).equals(sha256(readFileSync(join(dir, 'cli.js'))))).toBe(true);
  expect(cache.length).toBeGreaterThan(32);
  expect(launch()).toEqual({ status: 0, stdout: expected(), stderr: '' });
});

test('a cache made from another cli.js, or one V8 cannot read, changes nothing', () => {
  launch({ PORTSIM_WRITE_CODE_CACHE: '1' });
  const cache = readFileSync(join(dir, 'cli.js.cache'));
  // Same length, other content: V8 alone would take this cache (it checks the length only).
  writeFileSync(join(dir, 'cli.js'), STAND_IN.replace('exported', 'EXPORTED'));
  const other = launch();
  expect(other.status).toBe(0);
  expect(JSON.parse(other.stdout)).toHaveProperty('EXPORTED', 'object');
  // The right header, then garbage.
  writeFileSync(join(dir, 'cli.js'), STAND_IN);
  writeFileSync(join(dir, 'cli.js.cache'), Buffer.concat([cache.subarray(0, 32), Buffer.alloc(cache.length - 32, 7)]));
  expect(launch()).toEqual({ status: 0, stdout: expected(), stderr: '' });
});

/**
 * The early worker (main.ts, ../../src/cli/early-worker.ts): for a `run` that likely has several
 * tasks the launcher starts a thread of worker.js before loading cli.js and hands it over on a
 * global symbol; otherwise none. The stand-in cli.js reports whether it got one and ends it.
 */
describe('the early worker thread', () => {
  const EARLY_STAND_IN = `"use strict";
const e = globalThis[Symbol.for('portsim.earlyWorker')];
process.stdout.write(e === undefined ? 'none' : e.worker.constructor.name);
if (e !== undefined) e.started.then(() => e.worker.terminate());
`;
  const withFile = (text: string, args: string[]) => {
    writeFileSync(join(dir, 'cli.js'), EARLY_STAND_IN);
    writeFileSync(join(dir, 'worker.js'), '"use strict";\n');
    writeFileSync(join(dir, 'x.yaml'), text);
    return spawnSync(process.execPath, [join(dir, 'main.js'), 'run', join(dir, 'x.yaml'), ...args], { encoding: 'utf8' }).stdout;
  };
  const many = require('node:os').availableParallelism() > 1 ? 'Worker' : 'none';

  test('is started for a file with compare: or replications:, or --compare / --replications', () => {
    expect(withFile('name: x\ncompare: [linux, windows]\n', [])).toBe(many);
    expect(withFile('name: x\nreplications: 5\n', [])).toBe(many);
    expect(withFile('name: x\n', ['--compare', 'linux,windows'])).toBe(many);
    expect(withFile('name: x\n', ['--replications=3'])).toBe(many);
  });

  test('is not started for one task, --jobs 1, or another command', () => {
    expect(withFile('name: x\n# compare: [linux, windows]\n', [])).toBe('none');
    expect(withFile('name: x\ncompare: [linux, windows]\n', ['--jobs', '1'])).toBe('none');
    expect(withFile('name: x\ncompare: [linux, windows]\n', ['--jobs=1'])).toBe('none');
    writeFileSync(join(dir, 'cli.js'), EARLY_STAND_IN);
    writeFileSync(join(dir, 'x.yaml'), 'name: x\ncompare: [linux, windows]\n');
    expect(spawnSync(process.execPath, [join(dir, 'main.js'), 'validate', join(dir, 'x.yaml')], { encoding: 'utf8' }).stdout).toBe('none');
  });
});
