#!/usr/bin/env node
/**
 * Instructions per event of the kernel loop, counted by valgrind (cachegrind), so that a change
 * to src/kernel/assembly can be measured on a loaded machine: instruction counts do not depend on
 * what else runs.
 *
 *   node scripts/kernel-instructions.js [ROOT...]      (default: this checkout)
 *
 * For each ROOT (a built checkout: ROOT/dist/src and ROOT/dist/kernel.wasm), runs bench-steady's
 * plan (ROOT/scenarios/bench-steady.yaml) on the kernel alone — no CSV, samples dropped — at two
 * durations, 300 s and 3600 s, each in its own `node` under
 * `valgrind --tool=cachegrind`, and prints (I(3600 s) - I(300 s)) / (events(3600 s) - events(300 s)):
 * what one more event costs, Node's start-up, the plan's layout and the WebAssembly compilation
 * cancelling out. Node runs with --single-threaded (no background compiler threads) and
 * --no-liftoff (the kernel compiled once, optimised, so no tier-up lands inside one run and not
 * the other). KI_DURATIONS=a,b (seconds) changes the two durations.
 *
 * With `--child ROOT SECONDS` it is the measured process itself: it loads the scenario with that
 * duration and runs it once, printing the events processed.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { tmpdir } = require('node:os');

function child(root, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'ki-'));
  const file = join(dir, 'bench-steady.yaml');
  const text = readFileSync(join(root, 'scenarios/bench-steady.yaml'), 'utf8');
  writeFileSync(file, text.replace(/^duration: .*$/m, `duration: ${seconds}s`));
  // The command line's edge provides the kernel (dist/kernel.wasm); older builds read it themselves.
  const engine = join(root, 'dist/src/cli/engine.js');
  if (existsSync(engine)) require(engine);
  const { loadScenario } = require(join(root, 'dist/src/scenario/load.js'));
  const { runOne } = require(join(root, 'dist/src/stats/run-one.js'));
  const { plan } = loadScenario(file);
  rmSync(dir, { recursive: true });
  const r = runOne(plan, 0, 0, () => {});
  process.stdout.write(`${r.events}\n`);
}

function measure(root, seconds) {
  const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null',
    process.execPath, '--single-threaded', '--no-liftoff', __filename, '--child', root, String(seconds)], { encoding: 'utf8' });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || refs === null) throw new Error(`valgrind run of ${root} (${seconds} s) failed:\n${r.stderr}`);
  return { instructions: Number(refs[1].replace(/,/g, '')), events: Number(r.stdout.trim()) };
}

function main(roots) {
  const [d1, d2] = (process.env.KI_DURATIONS ?? '300,3600').split(',').map(Number);
  for (const root of roots) {
    const a = measure(root, d1), b = measure(root, d2);
    const per = (b.instructions - a.instructions) / (b.events - a.events);
    console.log(`${root}: ${per.toFixed(1)} instructions/event ` +
      `(${d1} s: ${a.instructions} instr, ${a.events} events; ${d2} s: ${b.instructions} instr, ${b.events} events)`);
  }
}

if (process.argv[2] === '--child') child(resolve(process.argv[3]), Number(process.argv[4]));
else main(process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [resolve(__dirname, '..')]);
