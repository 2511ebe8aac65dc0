#!/usr/bin/env node
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { availableParallelism } from 'node:os';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import type { EarlyWorker } from './early-worker';

/**
 * `portsim`, the command users run (dist/src/cli/main.js, the package's bin). It loads the CLI
 * (cli.ts; after `npm run build`, dist/src/cli/cli.js is its esbuild bundle) with V8's code
 * cache (cli.js.cache), so that a run does not parse and compile 1.7 MB of JavaScript again:
 * a short run takes 0.14 s instead of 0.19 s.
 *
 * why by hand: Node 20 has no compile cache of its own (module.enableCompileCache came in 22),
 * and v8-compile-cache saves its cache right after compiling, which then holds only the
 * bundle's top level: esbuild wraps every module in a function that runs later, so that cache
 * saved nothing here. This one is saved at the end of a whole run (`npm run build` makes it with
 * a run of scenarios/default.yaml, see scripts/build-code-cache.js), once V8 has compiled every
 * function the run needed.
 *
 * The cache file starts with the SHA-256 of the file it was made from; a cache of another
 * build is ignored (V8 itself checks only the source's length), and so is one V8 rejects (another
 * Node version). Either way cli.js is compiled from source as without a cache: the cache changes
 * how fast the CLI starts, never what it does. Only Node built-ins here.
 *
 * The bundle is built without comments or indentation and in ASCII only (scripts/bundle-cli.js:
 * --minify-whitespace --charset=ascii; names and line structure of the code are kept): 1.35 MB
 * instead of 1.85 MB to read, hash and decode, and one non-ASCII character (a µ or → in a comment)
 * made V8 decode and hold the whole source as a two-byte string. `portsim validate` of a small
 * file: 826 M instructions instead of 863 M (cachegrind; `node -e 0` alone is 506 M); with zod's
 * messages in English only (scripts/zod-english-only.js) 1.08 MB and 784 M. esbuild
 * escapes non-ASCII in string literals but not in regular-expression literals: write such
 * characters there as \u escapes (src/scenario/units.ts).
 */
const BUNDLE = join(__dirname, bundleName());
const CACHE = `${BUNDLE}.cache`;
/**
 * cli.js; on a worker thread started with `workerData: { bundle: 'render-worker.js' }` (the chart
 * renderer, src/cli/renderer.ts), that bundle beside this file, loaded the same way with its own
 * cache (vega and vega-lite are bundled into it: most of what it compiles).
 */
function bundleName(): string {
  const asked = isMainThread ? undefined : (workerData as { bundle?: unknown } | null)?.bundle;
  return typeof asked === 'string' && /^[\w-]+\.js$/.test(asked) ? asked : 'cli.js';
}
/** Set by the build: write the cache when this process (or thread) exits. */
const WRITE = process.env.PORTSIM_WRITE_CODE_CACHE === '1';
const HASH_BYTES = 32;

/**
 * A simulation worker thread (pool.ts), started before the CLI loads when a `run` will likely
 * simulate more than one task at once: its start (Node's own, 40-80 ms of a thread) then overlaps
 * the CLI's load and the scenario's parsing instead of delaying every task after the first. The
 * pool takes it (early-worker.ts); if it is not needed after all, the run ends it unused.
 *
 * "Likely" is a hint read from the command line alone, and it changes only how early a thread
 * starts, never what is written: `run`, two or more threads, not `--jobs 1`, and `--compare` or
 * `--replications` given or a scenario file with a top-level `compare:` or `replications:` key.
 * why not always: a run of one task would pay a thread's start for nothing (burst: +50 ms of
 * CPU); why not after the scenario is parsed: by then the CLI has loaded, most of the start
 * this saves.
 */
if (isMainThread && !WRITE && manyTasksLikely(process.argv.slice(2))) {
  const worker = new Worker(__filename, { env: process.env, workerData: { bundle: 'worker.js' } });
  worker.unref();
  const early: EarlyWorker = { worker, exited: false, started: Promise.resolve() };
  early.started = new Promise((started) => {
    worker.once('online', () => started());
    worker.once('exit', () => {
      early.exited = true;
      started();
    });
  });
  // A thread that fails to start ends (exit, above), and the pool starts another, which reports its errors.
  worker.once('error', () => undefined);
  (globalThis as Record<symbol, unknown>)[Symbol.for('portsim.earlyWorker')] = early;
}

function manyTasksLikely(args: readonly string[]): boolean {
  if (args[0] !== 'run' || availableParallelism() < 2) return false;
  const oneJob = args.some((a, i) => /^--jobs=0*1$/.test(a) || (/^--jobs$/.test(a) && /^0*1$/.test(args[i + 1] ?? '')));
  if (oneJob) return false;
  if (args.some((a) => /^--(compare|replications)(=|$)/.test(a))) return true;
  return args.slice(1).some((a) => {
    if (!/\.(ya?ml|json)$/i.test(a)) return false;
    try {
      return /^"?(compare|replications)"?\s*:/m.test(readFileSync(a, 'utf8'));
    } catch {
      return false; // the CLI reports it
    }
  });
}

const bytes = readFileSync(BUNDLE);
const hash = createHash('sha256').update(bytes).digest();
let cachedData: Buffer | undefined;
if (!WRITE) {
  try {
    const file = readFileSync(CACHE);
    if (file.subarray(0, HASH_BYTES).equals(hash)) cachedData = file.subarray(HASH_BYTES);
  } catch {
    // no cache: compile from source
  }
}
const source = bytes.toString('utf8').replace(/^#!.*/, '');
const script = new Script(Module.wrap(source), { filename: BUNDLE, ...(cachedData !== undefined ? { cachedData } : {}) });
if (WRITE) {
  process.once('exit', () => {
    const tmp = `${CACHE}.${process.pid}`;
    try {
      writeFileSync(tmp, Buffer.concat([hash, script.createCachedData()]));
      renameSync(tmp, CACHE);
    } catch (e) {
      rmSync(tmp, { force: true });
      process.stderr.write(`portsim: could not write the code cache ${CACHE}: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}

// The bundle runs as the main module would: its own `module`, a `require` resolving from its
// folder, and `require.main` pointing at it (cli.ts starts the CLI only then).
const bundle = new Module(BUNDLE);
bundle.filename = BUNDLE;
const bundleRequire = Module.createRequire(BUNDLE);
bundleRequire.main = bundle;
(script.runInThisContext() as (...args: unknown[]) => void).call(bundle.exports, bundle.exports, bundleRequire, bundle, BUNDLE, dirname(BUNDLE));
