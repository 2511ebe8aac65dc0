/**
 * `npm run bench`: portsim's speed and memory, measured side by side with the C reference.
 *
 * What it measures, for each benchmark scenario of ../shared/bench/README.md (bench-steady,
 * bench-overload, bench-light, bench-long):
 *  - portsim exactly as a user runs it: a child process
 *    `node dist/src/cli/main.js run scenarios/X.yaml --out <tmp> --quiet`, timed as a whole
 *    (Node start-up, loading, simulating, writing the CSVs), with its peak RSS;
 *  - the C reference (shared/bench/reference-c, built once with gcc into a temporary folder) with
 *    the same parameters, read from the scenario through `portsim validate --print-normalized`.
 * Runs alternate (portsim, C, portsim, C, ...) so that machine noise hits both sides alike, and
 * go in rounds over the scenarios (each round runs each scenario once) so that it hits every
 * scenario alike too; the tables show medians. From each run it also reads the simulation's own
 * figures (portsim's summary.csv and meta.json, the C program's JSON line) and sets the
 * steady-state failure ratios beside Erlang-B B(N, rate x (mean duration + TIME_WAIT)).
 *
 * How:
 *  - wall time: the parent's monotonic clock from spawn to exit of the child;
 *  - peak RSS: GNU time's %M (maximum resident set size, KiB) when /usr/bin/time (or `time` on
 *    PATH) is GNU time; otherwise polling /proc/<pid>/status VmHWM every few ms (a lower bound);
 *    the method is printed and saved;
 *  - runs per side: 5 (bench-long: 3); the environment variable BENCH_RUNS sets all of them;
 *    BENCH_SCENARIOS (comma-separated names, e.g. bench-steady) runs only those scenarios;
 *  - the shared folder is ../shared beside the repository, or the environment variable
 *    PORTSIM_SHARED; without gcc the C side is skipped (and the exit code stays 0).
 *
 * In the same rounds, what users type: each scenario's `run` once more with the report (charts
 * and report.html, no --no-report), beside the --no-report figure (target: at most 1.25x); and
 * `capacity scenarios/default.yaml` (with its what-ifs and report) once per round for the first
 * BENCH_CAPACITY_RUNS rounds (default 3; BENCH_CAPACITY=0 skips it), beside the C reference's
 * bench-steady wall time of the same rounds (target: at most 60x).
 *
 * Then two checks of portsim alone, printed after "Derived checks":
 *  - parallel replications: `run scenarios/bench-steady.yaml --replications 20 --no-report` with
 *    --jobs 1 and with --jobs 2, alternating, BENCH_PARALLEL_RUNS times each (default 3); prints
 *    the median wall times and their ratio jobs 2 / jobs 1 beside the target 0.6 (a miss is
 *    printed, not failed: it depends on the machine), and checks that every pair of runs wrote
 *    the same files, byte for byte, meta.json apart (it holds the wall time and the command line),
 *    and meta.json itself equal once wallTimeSeconds and command are left out.
 *    BENCH_PARALLEL=0 skips it;
 *  - sharded sweep: a small `sweep` of bench-steady (3 x 2 grid, 300 s) run whole, then as shards
 *    1/3, 2/3, 3/3 joined by `merge`; every CSV file of the two must be byte-identical. Prints
 *    the wall time of the whole sweep and of the shards (one after another) plus the merge.
 *    BENCH_SHARDS=0 skips it.
 * Every figure, per run, goes to bench/out/bench-<timestamp>.json. Exit code 1 if anything failed
 * to run (a crashed child, unreadable output, a failed build) or if the parallel or sharded runs
 * wrote different files from the serial or whole ones; otherwise 0.
 *
 * Only Node built-ins: this file must not depend on portsim's code or on npm packages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

// ------------------------------------------------------------------------------------ settings

const SCENARIOS: readonly { name: string; defaultRuns: number }[] = [
  { name: 'bench-steady', defaultRuns: 5 },
  { name: 'bench-overload', defaultRuns: 5 },
  { name: 'bench-light', defaultRuns: 5 },
  { name: 'bench-long', defaultRuns: 3 },
];

/** portsim's simulated-time unit (src/engine/time.ts); checked against meta.json on every run. */
const TICKS_PER_SECOND = 1_000_000;

interface Settings {
  root: string;
  cli: string;
  shared: string;
  runsOverride: number | undefined;
  /** Rounds that also run `capacity scenarios/default.yaml`; 0 when BENCH_CAPACITY=0 skips it. */
  capacityRuns: number;
  /** The benchmark scenarios to run: all of SCENARIOS, or those BENCH_SCENARIOS names. */
  scenarios: readonly { name: string; defaultRuns: number }[];
  /** Runs per side of the parallel-replications check; 0 when BENCH_PARALLEL=0 skips it. */
  parallelRuns: number;
  shards: boolean;
}

function settings(): Settings {
  const root = findRepoRoot(__dirname);
  return {
    root,
    cli: join(root, 'dist', 'src', 'cli', 'main.js'),
    shared: resolve(process.env.PORTSIM_SHARED ?? join(root, '..', 'shared')),
    runsOverride: wholeNumberEnv('BENCH_RUNS'),
    scenarios: scenariosEnv('BENCH_SCENARIOS'),
    parallelRuns: switchEnv('BENCH_PARALLEL') ? wholeNumberEnv('BENCH_PARALLEL_RUNS') ?? 3 : 0,
    capacityRuns: switchEnv('BENCH_CAPACITY') ? wholeNumberEnv('BENCH_CAPACITY_RUNS') ?? 3 : 0,
    shards: switchEnv('BENCH_SHARDS'),
  };
}

/** A run count from the environment: unset or empty is undefined, anything but a whole number >= 1 an error. */
function wholeNumberEnv(name: string): number | undefined {
  const env = process.env[name];
  const n = env === undefined || env === '' ? undefined : Number(env);
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw new Error(`${name} must be a whole number >= 1, not "${env}"`);
  return n;
}

/** A comma-separated subset of SCENARIOS from the environment; unset or empty is all of them. */
function scenariosEnv(name: string): readonly { name: string; defaultRuns: number }[] {
  const env = process.env[name];
  if (env === undefined || env.trim() === '') return SCENARIOS;
  return env.split(',').map((n) => {
    const sc = SCENARIOS.find((x) => x.name === n.trim());
    if (sc === undefined) throw new Error(`${name}: no benchmark scenario "${n.trim()}"; the scenarios are ${SCENARIOS.map((x) => x.name).join(', ')}`);
    return sc;
  });
}

/** An on/off switch from the environment, on unless 0; other values are refused, so a typo does not pass unnoticed. */
function switchEnv(name: string): boolean {
  const env = process.env[name];
  if (env === undefined || env === '' || env === '1') return true;
  if (env === '0') return false;
  throw new Error(`${name} must be 0 (skip) or 1, not "${env}"`);
}

/** The nearest folder at or above `from` holding package.json (works from bench/ and dist/bench/). */
function findRepoRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------ running one process

type RssMethod = { kind: 'gnu-time'; time: string } | { kind: 'proc-poll' } | { kind: 'none' };

function describeRss(m: RssMethod): string {
  switch (m.kind) {
    case 'gnu-time': return `GNU time (${m.time} -f %M: maximum resident set size)`;
    case 'proc-poll': return 'polling /proc/<pid>/status VmHWM every 2 ms (GNU time not found; a lower bound)';
    case 'none': return 'not measured (neither GNU time nor /proc available)';
  }
}

/** GNU time if `time` on PATH (or /usr/bin/time) accepts -f %M -o FILE; else /proc polling. */
function detectRssMethod(tmp: string): RssMethod {
  const probeFile = join(tmp, 'time-probe');
  for (const time of new Set([onPath('time'), '/usr/bin/time'])) {
    if (time === undefined || !existsSync(time)) continue;
    const r = spawnSync(time, ['-f', '%M', '-o', probeFile, process.execPath, '-e', '0'], { stdio: 'ignore' });
    if (r.status === 0 && existsSync(probeFile) && parseRssFile(probeFile) !== null) return { kind: 'gnu-time', time };
  }
  return existsSync(`/proc/${process.pid}/status`) ? { kind: 'proc-poll' } : { kind: 'none' };
}

/** GNU time's -o file: possibly "Command exited with non-zero status N", then the %M line. */
function parseRssFile(file: string): number | null {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const kib = Number(lines[lines.length - 1]);
  return Number.isFinite(kib) && kib > 0 ? kib : null;
}

function readVmHwm(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // already gone
  }
}

interface Measured {
  wallS: number;
  peakRssKiB: number | null;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` to completion: whole-process wall time, peak RSS, output. */
function measure(cmd: string, args: readonly string[], cwd: string, rss: RssMethod, rssFile: string, env?: NodeJS.ProcessEnv): Promise<Measured> {
  const [file, argv] = rss.kind === 'gnu-time' ? [rss.time, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, [...args]];
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(env !== undefined ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    let polled: number | null = null;
    const pid = child.pid;
    const poll = rss.kind === 'proc-poll' && pid !== undefined
      ? setInterval(() => { polled = readVmHwm(pid) ?? polled; }, 2)
      : undefined;
    child.on('error', fail);
    child.on('close', (code) => {
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      if (poll !== undefined) clearInterval(poll);
      const peakRssKiB = rss.kind === 'gnu-time' ? (existsSync(rssFile) ? parseRssFile(rssFile) : null) : polled;
      done({ wallS, peakRssKiB, exitCode: code, stdout, stderr });
    });
  });
}

/**
 * What `node -e 0` costs on this machine (median of 5), part of every portsim figure and of none
 * of the C ones; and, when NODE_EXTRA_CA_CERTS is set, the same without it: Node reads and parses
 * those certificates at every start, before any of portsim's code runs. The runs keep the
 * environment as it is (it is the machine's), this only shows what it costs.
 */
interface NodeStartup {
  medianS: number;
  extraCaCerts: string | null;
  withoutExtraCaCertsS: number | null;
}

async function nodeStartup(rss: RssMethod, tmp: string): Promise<NodeStartup> {
  const median5 = async (env?: NodeJS.ProcessEnv) => {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) xs.push((await measure(process.execPath, ['-e', '0'], tmp, rss, join(tmp, 'node.rss'), env)).wallS);
    return median(xs);
  };
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  const without = { ...process.env };
  delete without.NODE_EXTRA_CA_CERTS;
  return {
    medianS: await median5(),
    extraCaCerts: extra === undefined || extra === '' ? null : extra,
    withoutExtraCaCertsS: extra === undefined || extra === '' ? null : await median5(without),
  };
}

function nodeStartLine(n: NodeStartup): string {
  const base = `node start-up (node -e 0, median of 5): ${n.medianS.toFixed(3)} s, in every portsim figure`;
  return n.extraCaCerts === null || n.withoutExtraCaCertsS === null ? base
    : `${base}; ${n.withoutExtraCaCertsS.toFixed(3)} s without NODE_EXTRA_CA_CERTS=${n.extraCaCerts}, which Node parses at every start (the runs keep it)`;
}

function failure(what: string, m: Measured): Error {
  return new Error(`${what} exited with ${String(m.exitCode)}${m.stderr.trim() === '' ? '' : `:\n${m.stderr.trim()}`}`);
}

// ---------------------------------------------------------------------- the scenario's model

/** The parameters of the C reference, as its flags take them. */
interface ModelParams {
  lo: number;
  hi: number;
  rate: number;
  meanDuration: number;
  timeWait: number;
  duration: number;
  sample: number;
  seed: number;
  warmup: number;
}

/** `portsim validate --print-normalized`: the scenario as portsim understood it (ticks, not seconds). */
function normalizedPlan(s: Settings, scenarioFile: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, [s.cli, 'validate', scenarioFile, '--print-normalized'], { cwd: s.root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`portsim validate ${scenarioFile} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The C model's parameters, or why this plan is not that model (one Poisson workload, ...). */
function modelParams(plan: Record<string, unknown>): ModelParams | string {
  const p = plan as {
    seed: number; replications: number; duration: number; sample: number; warmup: number;
    workloads: { arrivals: { type: string; rate: number; start: number; stop: unknown }; duration: { dist: string; mean: number }; closedBy: { client: number } }[];
    variants: { profiles: { portRange: [number, number]; reservedPorts: unknown[]; timeWait: number; allocator: string }[] }[];
    hosts: { sourceIps: unknown[] }[];
  };
  const w = p.workloads[0];
  const prof = p.variants[0]?.profiles[0];
  if (w === undefined || prof === undefined) return 'no workload or profile';
  const fits = p.workloads.length === 1 && p.variants.length === 1 && p.variants[0]?.profiles.length === 1 &&
    p.hosts.length === 1 && p.hosts[0]?.sourceIps.length === 1 && p.replications === 1 &&
    w.arrivals.type === 'poisson' && w.arrivals.start === 0 && w.arrivals.stop === 'never' &&
    w.duration.dist === 'exponential' && w.closedBy.client === 1 &&
    prof.allocator === 'random-start' && prof.reservedPorts.length === 0;
  if (!fits) return 'scenario is not the reference model (one Poisson workload, Exp durations, client close, random-start)';
  const sec = (ticks: number) => ticks / TICKS_PER_SECOND;
  return {
    lo: prof.portRange[0], hi: prof.portRange[1], rate: w.arrivals.rate, meanDuration: sec(w.duration.mean),
    timeWait: sec(prof.timeWait), duration: sec(p.duration), sample: sec(p.sample), seed: p.seed, warmup: sec(p.warmup),
  };
}

function cFlags(m: ModelParams): string[] {
  return [
    '--lo', m.lo, '--hi', m.hi, '--rate', m.rate, '--mean-duration', m.meanDuration, '--time-wait', m.timeWait,
    '--duration', m.duration, '--sample', m.sample, '--seed', m.seed, '--warmup', m.warmup,
  ].map(String);
}

/** Erlang-B blocking probability, by the stable recursion B(0)=1, B(k)=A·B(k-1)/(k+A·B(k-1)). */
function erlangB(servers: number, erlangs: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (erlangs * b) / (k + erlangs * b);
  return b;
}

// ------------------------------------------------------------------------------ one side's run

/** What a run reports about itself, portsim or C alike. */
interface RunFigures {
  wallS: number;
  peakRssKiB: number | null;
  /** The program's own timing: portsim meta.json wallTimeSeconds (run incl. CSVs), C sim_wall_s (loop only). */
  innerS: number;
  events: number;
  attempts: number;
  failureRatio: number;
  steadyFailureRatio: number;
  firstFailureS: number | null;
  peakInUse: number;
}

/** The one data row of a CSV file written by csv-stringify (quotes only around fields that need them). */
function parseCsvRow(text: string): Record<string, string> {
  const lines = text.trim().split(/\r?\n/);
  if (lines.length !== 2) throw new Error(`expected a header and one row, got ${lines.length} lines`);
  const split = (line: string): string[] => {
    const cells: string[] = [];
    const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      const cell = m[1] ?? '';
      cells.push(cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
      if (m[2] === '') break;
    }
    return cells;
  };
  const header = split(lines[0]!);
  const row = split(lines[1]!);
  return Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']));
}

function num(row: Record<string, string>, col: string): number {
  const x = Number(row[col]);
  if (row[col] === undefined || row[col] === '' || !Number.isFinite(x)) throw new Error(`summary.csv: no number in column ${col}`);
  return x;
}

async function runPortsim(s: Settings, scenarioFile: string, model: ModelParams | null, outDir: string, rss: RssMethod): Promise<RunFigures> {
  // --no-report: the same work as the C reference (simulate, write the CSV files); the run with
  // the charts and report.html is timed in the same round (benchScenarios).
  const m = await measure(process.execPath, [s.cli, 'run', scenarioFile, '--out', outDir, '--quiet', '--no-report'], s.root, rss, `${outDir}.rss`);
  if (m.exitCode !== 0) throw failure(`portsim run ${scenarioFile}`, m);
  const row = parseCsvRow(readFileSync(join(outDir, 'summary.csv'), 'utf8'));
  const meta = JSON.parse(readFileSync(join(outDir, 'meta.json'), 'utf8')) as { simulatedSeconds: number; events: number; wallTimeSeconds: number };
  if (model !== null && meta.simulatedSeconds !== model.duration) {
    throw new Error(`meta.json says ${meta.simulatedSeconds} s simulated, the plan ${model.duration} s: has portsim's tick unit changed?`);
  }
  rmSync(outDir, { recursive: true, force: true });
  return {
    wallS: m.wallS, peakRssKiB: m.peakRssKiB, innerS: meta.wallTimeSeconds,
    events: num(row, 'events'), attempts: num(row, 'attempts'),
    failureRatio: num(row, 'failure_ratio'), steadyFailureRatio: num(row, 'steady_failure_ratio'),
    firstFailureS: row.first_failure_s === '' || row.first_failure_s === undefined ? null : num(row, 'first_failure_s'),
    peakInUse: num(row, 'peak_in_use'),
  };
}

async function runC(binary: string, model: ModelParams, cwd: string, rss: RssMethod, rssFile: string): Promise<RunFigures> {
  const m = await measure(binary, cFlags(model), cwd, rss, rssFile);
  if (m.exitCode !== 0) throw failure('C reference', m);
  const j = JSON.parse(m.stdout.trim()) as {
    events_processed: number; attempts: number; failure_ratio: number; steady_failure_ratio: number;
    first_failure_time: number | null; peak_in_use: number; sim_wall_s: number;
  };
  return {
    wallS: m.wallS, peakRssKiB: m.peakRssKiB, innerS: j.sim_wall_s, events: j.events_processed, attempts: j.attempts,
    failureRatio: j.failure_ratio, steadyFailureRatio: j.steady_failure_ratio, firstFailureS: j.first_failure_time, peakInUse: j.peak_in_use,
  };
}

/** Builds the C reference once into `tmp`; undefined (with a reason) when gcc is missing. */
function buildReference(s: Settings, tmp: string): { binary?: string; note: string } {
  const script = join(s.shared, 'bench', 'reference-c', 'build.sh');
  if (onPath('gcc') === undefined) return { note: 'gcc not found: C reference skipped' };
  if (!existsSync(script)) throw new Error(`C reference not found at ${script} (set PORTSIM_SHARED to the shared/ folder)`);
  const binary = join(tmp, 'bench-c');
  const r = spawnSync('sh', [script, binary], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the C reference failed:\n${r.stderr}`);
  return { binary, note: `C reference built from ${script}` };
}

// ---------------------------------------------------------------------------- one scenario

interface SideSummary {
  runs: RunFigures[];
  medianWallS: number;
  medianInnerS: number;
  medianPeakRssKiB: number | null;
  eventsPerS: number;
  connectionsPerS: number;
  /** Whether every run gave the same attempts/failures (same seed, so they should). */
  deterministic: boolean;
}

interface ScenarioResult {
  name: string;
  file: string;
  model: ModelParams | null;
  cSkipped?: string;
  erlangB: number | null;
  portsim: SideSummary;
  c: SideSummary | null;
  /** Median wall time of the run with its report, and its ratio to the --no-report median. */
  withReport: { medianWallS: number; overNoReport: number } | null;
}

function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 === 1 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
}

function summarise(runs: RunFigures[]): SideSummary {
  const wall = median(runs.map((r) => r.wallS));
  const rss = runs.map((r) => r.peakRssKiB).filter((x): x is number => x !== null);
  const first = runs[0]!;
  return {
    runs,
    medianWallS: wall,
    medianInnerS: median(runs.map((r) => r.innerS)),
    medianPeakRssKiB: rss.length === runs.length ? median(rss) : null,
    eventsPerS: first.events / wall,
    connectionsPerS: first.attempts / wall,
    deterministic: runs.every((r) => r.attempts === first.attempts && r.steadyFailureRatio === first.steadyFailureRatio),
  };
}

/** A transient progress line, on a terminal only. */
function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(60)}\r`);
}

/** A benchmark scenario being measured: its model, and the runs so far. */
interface Bench {
  name: string;
  file: string;
  runs: number;
  model: ModelParams | null;
  cSkipped: string | undefined;
  ps: RunFigures[];
  cs: RunFigures[];
  /** Wall times of the run with its report (as users type it), one per round. */
  reports: number[];
  error?: string;
}

function prepareScenario(s: Settings, name: string, runs: number, cBinary: string | undefined): Bench {
  const file = `scenarios/${name}.yaml`;
  const model = modelParams(normalizedPlan(s, file));
  const m = typeof model === 'string' ? null : model;
  const cSkipped = cBinary === undefined ? 'no C binary' : m === null ? String(model) : undefined;
  return { name, file, runs, model: m, cSkipped, ps: [], cs: [], reports: [] };
}

/**
 * Every scenario's runs, in rounds: each round runs every scenario once, portsim then C. why
 * rounds rather than one scenario after the other: a slow spell of the machine then hits every
 * scenario alike, so figures compared across scenarios (per-event cost, RSS) stay comparable.
 */
async function benchScenarios(benches: readonly Bench[], s: Settings, cBinary: string | undefined, rss: RssMethod, tmp: string, capacity: CapacityBench): Promise<void> {
  const rounds = Math.max(0, ...benches.map((b) => b.runs));
  for (let i = 0; i < rounds; i++) {
    for (const b of benches) {
      if (i >= b.runs || b.error !== undefined) continue;
      progress(`  round ${i + 1}/${rounds}: ${b.name} portsim${b.cSkipped === undefined ? ' + C' : ''}`);
      try {
        b.ps.push(await runPortsim(s, b.file, b.model, join(tmp, `${b.name}-${i}`), rss));
        if (cBinary !== undefined && b.model !== null) b.cs.push(await runC(cBinary, b.model, tmp, rss, join(tmp, `${b.name}-c-${i}.rss`)));
        b.reports.push(await timedCommand(s, ['run', b.file, '--quiet'], join(tmp, `${b.name}-report-${i}`), rss, `${b.name} run (with report)`));
      } catch (e) {
        b.error = e instanceof Error ? e.message : String(e);
      }
    }
    if (i < s.capacityRuns && capacity.error === undefined) {
      progress(`  round ${i + 1}/${rounds}: capacity ${CAPACITY_FILE}`);
      try {
        capacity.wallS.push(await timedCommand(s, ['capacity', CAPACITY_FILE, '--quiet'], join(tmp, `capacity-${i}`), rss, `capacity ${CAPACITY_FILE}`));
      } catch (e) {
        capacity.error = e instanceof Error ? e.message : String(e);
      }
    }
  }
  progress('');
}

/** What users type first for capacity planning, timed in the scenario rounds. */
const CAPACITY_FILE = 'scenarios/default.yaml';

interface CapacityBench {
  wallS: number[];
  error?: string;
}

/** Wall time of one portsim command writing into `outDir` (removed after). */
async function timedCommand(s: Settings, args: readonly string[], outDir: string, rss: RssMethod, what: string): Promise<number> {
  const m = await measure(process.execPath, [s.cli, ...args, '--out', outDir], s.root, rss, `${outDir}.rss`);
  if (m.exitCode !== 0) throw failure(`portsim ${what}`, m);
  rmSync(outDir, { recursive: true, force: true });
  return m.wallS;
}

function scenarioResult(b: Bench): ScenarioResult {
  const m = b.model;
  return {
    name: b.name, file: b.file, model: m,
    ...(b.cSkipped !== undefined ? { cSkipped: b.cSkipped } : {}),
    erlangB: m === null ? null : erlangB(m.hi - m.lo + 1, m.rate * (m.meanDuration + m.timeWait)),
    portsim: summarise(b.ps),
    c: b.cs.length > 0 ? summarise(b.cs) : null,
    withReport: b.reports.length > 0 ? { medianWallS: median(b.reports), overNoReport: median(b.reports) / median(b.ps.map((r) => r.wallS)) } : null,
  };
}

// ---------------------------------------------------------------------------------- printing

const fmtS = (x: number) => `${x.toFixed(3)} s`;
const fmtRate = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(1)} k/s`);
const fmtMiB = (kib: number | null) => (kib === null ? '-' : `${(kib / 1024).toFixed(1)} MiB`);
const fmtRatio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);
const fmtFr = (x: number | null) => (x === null ? '-' : x.toFixed(6));
const fmtDiff = (x: number, ref: number | null) => (ref === null ? '-' : `${x - ref >= 0 ? '+' : ''}${(x - ref).toFixed(6)}`);

/** Plain aligned columns: first column left, the rest right. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd()).join('\n');
}

function scenarioTable(r: ScenarioResult): string {
  const p = r.portsim;
  const c = r.c;
  const m = r.model;
  const title = m === null
    ? `${r.name} (${r.file}): ${p.runs.length} runs`
    : `${r.name}: ${m.rate}/s, ${m.duration} s simulated, ${p.runs.length} run${p.runs.length === 1 ? '' : 's'} per side${c === null ? '' : ', alternating'}` +
      `${p.deterministic ? '' : '  [portsim runs disagree!]'}${c === null || c.deterministic ? '' : '  [C runs disagree!]'}`;
  const rows: string[][] = [
    ['', 'portsim', c === null ? '' : 'C', c === null ? '' : 'portsim/C'],
    ['wall time, whole process (median)', fmtS(p.medianWallS), c ? fmtS(c.medianWallS) : '-', fmtRatio(p.medianWallS, c?.medianWallS ?? null)],
    ['  own timing (portsim: run+CSVs; C: loop)', fmtS(p.medianInnerS), c ? fmtS(c.medianInnerS) : '-', fmtRatio(p.medianInnerS, c?.medianInnerS ?? null)],
    ['events', String(p.runs[0]!.events), c ? String(c.runs[0]!.events) : '-', ''],
    ['events/s (events / wall)', fmtRate(p.eventsPerS), c ? fmtRate(c.eventsPerS) : '-', ''],
    ['connections/s (attempts / wall)', fmtRate(p.connectionsPerS), c ? fmtRate(c.connectionsPerS) : '-', ''],
    ['peak RSS (median)', fmtMiB(p.medianPeakRssKiB), c ? fmtMiB(c.medianPeakRssKiB) : '-', fmtRatio(p.medianPeakRssKiB, c?.medianPeakRssKiB ?? null)],
    ['failure ratio, steady', fmtFr(p.runs[0]!.steadyFailureRatio), c ? fmtFr(c.runs[0]!.steadyFailureRatio) : '-', `Erlang-B ${fmtFr(r.erlangB)}`],
    ['  minus Erlang-B', fmtDiff(p.runs[0]!.steadyFailureRatio, r.erlangB), c ? fmtDiff(c.runs[0]!.steadyFailureRatio, r.erlangB) : '-', ''],
  ];
  if (r.withReport !== null) {
    rows.push(['wall time with the report (default run, median)', fmtS(r.withReport.medianWallS), '', `${r.withReport.overNoReport.toFixed(2)}x --no-report (target <= 1.25x)`]);
  }
  if (r.cSkipped !== undefined) rows.push(['C reference skipped', r.cSkipped, '', '']);
  return `${title}\n${table(rows)}`;
}

interface Derived {
  perEventCostOverloadVsSteady: { portsim: number | null; c: number | null };
  rssLongVsSteady: { portsim: number | null; c: number | null };
}

function derivedChecks(results: readonly ScenarioResult[]): Derived {
  const get = (n: string) => results.find((r) => r.name === n);
  const steady = get('bench-steady');
  const over = get('bench-overload');
  const long = get('bench-long');
  const perEvent = (x: SideSummary | null | undefined) => (x ? x.medianWallS / x.runs[0]!.events : null);
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? null : a / b);
  return {
    perEventCostOverloadVsSteady: {
      portsim: ratio(perEvent(over?.portsim), perEvent(steady?.portsim)),
      c: ratio(perEvent(over?.c), perEvent(steady?.c)),
    },
    rssLongVsSteady: {
      portsim: ratio(long?.portsim.medianPeakRssKiB, steady?.portsim.medianPeakRssKiB),
      c: ratio(long?.c?.medianPeakRssKiB, steady?.c?.medianPeakRssKiB),
    },
  };
}

function derivedTable(d: Derived): string {
  const f = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}x`);
  return `Derived checks\n${table([
    ['', 'portsim', 'C'],
    ['per-event cost, overload / steady (wall/events)', f(d.perEventCostOverloadVsSteady.portsim), f(d.perEventCostOverloadVsSteady.c)],
    ['peak RSS, bench-long / bench-steady', f(d.rssLongVsSteady.portsim), f(d.rssLongVsSteady.c)],
  ])}`;
}

// ---------------------------------------------------------------- comparing output folders

/** Every file below `dir`, as paths relative to it, sorted (so two listings compare in order). */
function listFiles(dir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub === '' ? e.name : join(sub, e.name);
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

interface FolderComparison {
  /** Files present in both folders, compared byte for byte. */
  compared: string[];
  /** One line per difference: a file in one folder only, or different bytes. */
  differences: string[];
}

/** Compares the files of folders `a` and `b` (named `la`, `lb` in the differences) that `include` keeps. */
function compareFolders(a: string, la: string, b: string, lb: string, include: (file: string) => boolean): FolderComparison {
  const fa = listFiles(a).filter(include);
  const fb = listFiles(b).filter(include);
  const inB = new Set(fb);
  const compared: string[] = [];
  const differences: string[] = [];
  for (const f of fa) {
    if (!inB.has(f)) {
      differences.push(`${f}: only in the ${la} output`);
      continue;
    }
    compared.push(f);
    const x = readFileSync(join(a, f));
    const y = readFileSync(join(b, f));
    if (!x.equals(y)) differences.push(`${f}: contents differ (${x.length} vs ${y.length} bytes, first at byte ${firstDifference(x, y)})`);
  }
  const inA = new Set(fa);
  for (const f of fb) if (!inA.has(f)) differences.push(`${f}: only in the ${lb} output`);
  // Nothing to compare proves nothing: an empty folder on both sides is a failure, not a pass.
  if (fa.length === 0 && fb.length === 0) differences.push('no files to compare');
  return { compared, differences };
}

function firstDifference(x: Buffer, y: Buffer): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return i;
  return n;
}

/** meta.json keys that differ between equal runs by nature: the run's own timing and its command line. */
const META_VOLATILE = ['wallTimeSeconds', 'command'] as const;

/** The top-level keys of meta.json in `a` and `b` that differ, META_VOLATILE left out; null if either is missing. */
function metaDifferences(a: string, b: string): string[] | null {
  const read = (dir: string): Record<string, unknown> | null => {
    const f = join(dir, 'meta.json');
    if (!existsSync(f)) return null;
    const m = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
    for (const k of META_VOLATILE) delete m[k];
    return m;
  };
  const ma = read(a);
  const mb = read(b);
  if (ma === null || mb === null) return null;
  const keys = [...new Set([...Object.keys(ma), ...Object.keys(mb)])];
  // Stringified values: both files come from the same writer, so equal content has equal key order.
  return keys.filter((k) => JSON.stringify(ma[k]) !== JSON.stringify(mb[k]));
}

interface Timed {
  wallS: number;
  peakRssKiB: number | null;
}

/** One portsim command as a child process, timed as a whole; throws if it exits non-zero. */
async function timedPortsim(s: Settings, args: readonly string[], rss: RssMethod, rssFile: string): Promise<Timed> {
  const m = await measure(process.execPath, [s.cli, ...args], s.root, rss, rssFile);
  if (m.exitCode !== 0) throw failure(`portsim ${args.join(' ')}`, m);
  return { wallS: m.wallS, peakRssKiB: m.peakRssKiB };
}

// -------------------------------------------------------------------- parallel replications

/** The issue's requirement: 20 replications on 2 worker threads in at most 0.6 x the serial time. */
const PARALLEL = { scenario: 'bench-steady', replications: 20, jobs: [1, 2] as const, target: 0.6 };

interface ParallelResult {
  scenario: string;
  replications: number;
  runsPerSide: number;
  jobs1: Timed[];
  jobs2: Timed[];
  medianWallS: { jobs1: number; jobs2: number };
  medianPeakRssKiB: { jobs1: number | null; jobs2: number | null };
  /** median jobs 2 / median jobs 1. */
  ratio: number;
  target: number;
  /** Files other than meta.json compared in each pair (the first pair's list). */
  comparedFiles: string[];
  /** Differences of any pair, prefixed with the pair; empty when every pair matched. */
  differences: string[];
  /** meta.json keys (wallTimeSeconds and command apart) that differed in any pair. */
  metaDifferences: string[];
  identical: boolean;
}

async function benchParallel(s: Settings, runs: number, rss: RssMethod, tmp: string): Promise<ParallelResult> {
  const file = `scenarios/${PARALLEL.scenario}.yaml`;
  const sides: [Timed[], Timed[]] = [[], []];
  let comparedFiles: string[] = [];
  const differences: string[] = [];
  const metaDiff = new Set<string>();
  for (let i = 0; i < runs; i++) {
    // Alternating jobs 1, jobs 2, as the scenarios alternate portsim and C: drift hits both alike.
    const dirs = PARALLEL.jobs.map((j) => join(tmp, `par-${j}-${i}`));
    for (const [k, j] of PARALLEL.jobs.entries()) {
      progress(`  parallel: run ${i + 1}/${runs} --jobs ${j}`);
      const args = ['run', file, '--replications', String(PARALLEL.replications), '--jobs', String(j), '--out', dirs[k]!, '--quiet', '--no-report'];
      sides[k]!.push(await timedPortsim(s, args, rss, `${dirs[k]!}.rss`));
    }
    // Every pair is compared, not just one: a race between workers need not show every time.
    const [d1, d2] = dirs as [string, string];
    const c = compareFolders(d1, 'jobs 1', d2, 'jobs 2', (f) => f !== 'meta.json');
    if (i === 0) comparedFiles = c.compared;
    differences.push(...c.differences.map((d) => (runs === 1 ? d : `run ${i + 1}: ${d}`)));
    const md = metaDifferences(d1, d2);
    if (md === null) differences.push(`${runs === 1 ? '' : `run ${i + 1}: `}meta.json missing`);
    else md.forEach((k) => metaDiff.add(k));
    // ~30 MB per folder (ports.csv): gone as soon as compared rather than piling up in tmp.
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  progress('');
  const [jobs1, jobs2] = sides;
  const rssMedian = (xs: Timed[]) => (xs.every((x) => x.peakRssKiB !== null) ? median(xs.map((x) => x.peakRssKiB!)) : null);
  const medianWallS = { jobs1: median(jobs1.map((x) => x.wallS)), jobs2: median(jobs2.map((x) => x.wallS)) };
  return {
    scenario: PARALLEL.scenario, replications: PARALLEL.replications, runsPerSide: runs, jobs1, jobs2,
    medianWallS, medianPeakRssKiB: { jobs1: rssMedian(jobs1), jobs2: rssMedian(jobs2) },
    ratio: medianWallS.jobs2 / medianWallS.jobs1, target: PARALLEL.target,
    comparedFiles, differences, metaDifferences: [...metaDiff],
    identical: differences.length === 0 && metaDiff.size === 0,
  };
}

function parallelTable(r: ParallelResult): string {
  const met = r.ratio <= r.target ? 'met' : 'NOT met';
  const lines = [
    `Parallel replications: ${r.scenario}, ${r.replications} replications, ${r.runsPerSide} run${r.runsPerSide === 1 ? '' : 's'} per side, alternating`,
    table([
      ['', '--jobs 1', '--jobs 2', 'jobs 2 / jobs 1'],
      ['wall time, whole process (median)', fmtS(r.medianWallS.jobs1), fmtS(r.medianWallS.jobs2), `${r.ratio.toFixed(2)}x (target <= ${r.target.toFixed(2)}x: ${met})`],
      ['peak RSS (median)', fmtMiB(r.medianPeakRssKiB.jobs1), fmtMiB(r.medianPeakRssKiB.jobs2), fmtRatio(r.medianPeakRssKiB.jobs2, r.medianPeakRssKiB.jobs1)],
    ]),
    r.differences.length === 0
      ? `identical files: yes (${r.comparedFiles.length} files: ${r.comparedFiles.join(', ')})`
      : `identical files: NO\n${r.differences.map((d) => `  ${d}`).join('\n')}`,
    `meta.json without ${META_VOLATILE.join(', ')}: ${r.metaDifferences.length === 0 ? 'identical' : `DIFFERENT (keys: ${r.metaDifferences.join(', ')})`}`,
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------- sharded sweep

/**
 * A 3 x 2 grid of short bench-steady runs: six points, so three shards get two each. The whole
 * sweep and the merge draw the report (the shards do not), part of their wall times.
 */
const SWEEP_ARGS: readonly string[] = [
  'sweep', 'scenarios/bench-steady.yaml', '--vary', 'hosts.client.sourceIps=1,2,3', '--vary', 'seed=1,2', '--duration', '300s',
];
const SHARD_COUNT = 3;

interface ShardResult {
  command: string;
  shards: number;
  wholeWallS: number;
  shardWallS: number[];
  mergeWallS: number;
  /** The shards one after another, plus the merge: what sharding costs on one machine. */
  shardsPlusMergeWallS: number;
  comparedCsv: string[];
  differences: string[];
  /** Informational only: meta.json keys (wallTimeSeconds and command apart) that differ; null if a meta.json is missing. */
  metaDifferences: string[] | null;
  identical: boolean;
}

async function benchShards(s: Settings, rss: RssMethod, tmp: string): Promise<ShardResult> {
  const whole = join(tmp, 'sweep-whole');
  const merged = join(tmp, 'sweep-merged');
  const shardDirs = Array.from({ length: SHARD_COUNT }, (_, i) => join(tmp, `sweep-shard-${i + 1}`));
  try {
    progress('  sharded sweep: whole');
    const w = await timedPortsim(s, [...SWEEP_ARGS, '--out', whole, '--quiet'], rss, `${whole}.rss`);
    const shardWallS: number[] = [];
    for (const [i, dir] of shardDirs.entries()) {
      progress(`  sharded sweep: shard ${i + 1}/${SHARD_COUNT}`);
      shardWallS.push((await timedPortsim(s, [...SWEEP_ARGS, '--shard', `${i + 1}/${SHARD_COUNT}`, '--out', dir, '--quiet'], rss, `${dir}.rss`)).wallS);
    }
    progress('  sharded sweep: merge');
    const m = await timedPortsim(s, ['merge', ...shardDirs, '--out', merged, '--quiet'], rss, `${merged}.rss`);
    progress('');
    const c = compareFolders(whole, 'whole', merged, 'merged', (f) => f.endsWith('.csv'));
    return {
      command: `portsim ${SWEEP_ARGS.join(' ')}`, shards: SHARD_COUNT,
      wholeWallS: w.wallS, shardWallS, mergeWallS: m.wallS,
      shardsPlusMergeWallS: shardWallS.reduce((a, b) => a + b, 0) + m.wallS,
      comparedCsv: c.compared, differences: c.differences, metaDifferences: metaDifferences(whole, merged),
      identical: c.differences.length === 0,
    };
  } finally {
    progress('');
    for (const d of [whole, merged, ...shardDirs]) rmSync(d, { recursive: true, force: true });
  }
}

function shardTable(r: ShardResult): string {
  const rows: string[][] = [
    ['', 'wall time'],
    ['whole sweep', fmtS(r.wholeWallS)],
    ...r.shardWallS.map((x, i) => [`  shard ${i + 1}/${r.shards}`, fmtS(x)]),
    ['  merge', fmtS(r.mergeWallS)],
    [`${r.shards} shards (one after another) + merge`, fmtS(r.shardsPlusMergeWallS)],
  ];
  const meta = r.metaDifferences === null ? 'missing' : r.metaDifferences.length === 0 ? 'identical' : `different (keys: ${r.metaDifferences.join(', ')})`;
  return [
    `Sharded sweep: ${r.command}`,
    table(rows),
    r.identical
      ? `sweep ${r.shards} shards merged: ${r.comparedCsv.length} CSV file${r.comparedCsv.length === 1 ? '' : 's'} byte-identical (${r.comparedCsv.join(', ')})`
      : `sweep ${r.shards} shards merged: CSV files DIFFER\n${r.differences.map((d) => `  ${d}`).join('\n')}`,
    `meta.json without ${META_VOLATILE.join(', ')} (not required): ${meta}`,
  ].join('\n');
}

/**
 * One optional check after the scenarios: skipped (with why), run and printed, or failed with its
 * message; what it returns goes into the JSON file as it is.
 */
async function section<T>(title: string, skipBecause: string | undefined, run: () => Promise<T>, print: (r: T) => string): Promise<T | { skipped: string } | { error: string }> {
  if (skipBecause !== undefined) {
    console.log(`\n${title}: skipped (${skipBecause})`);
    return { skipped: skipBecause };
  }
  try {
    const r = await run();
    console.log(`\n${print(r)}`);
    return r;
  } catch (e) {
    progress('');
    const error = e instanceof Error ? e.message : String(e);
    console.log(`\n${title}: FAILED: ${error}`);
    return { error };
  }
}

type CapacityResult = { skipped: string } | { error: string } | { file: string; runs: number; medianWallS: number; cBenchSteadyMedianWallS: number | null; overCBenchSteady: number | null };

/** The capacity timings beside the C reference's bench-steady of the same rounds. */
function capacityResult(c: CapacityBench, results: readonly ScenarioResult[], s: Settings): CapacityResult {
  if (s.capacityRuns === 0) return { skipped: 'BENCH_CAPACITY=0' };
  if (c.error !== undefined) return { error: c.error };
  if (c.wallS.length === 0) return { skipped: 'no rounds' };
  const steady = results.find((r) => r.name === 'bench-steady')?.c;
  // The C runs of the same rounds as the capacity runs.
  const cSteady = steady === null || steady === undefined ? null : median(steady.runs.slice(0, c.wallS.length).map((r) => r.wallS));
  const wall = median(c.wallS);
  return { file: CAPACITY_FILE, runs: c.wallS.length, medianWallS: wall, cBenchSteadyMedianWallS: cSteady, overCBenchSteady: cSteady === null ? null : wall / cSteady };
}

function capacityLine(r: CapacityResult): string {
  if ('skipped' in r) return `capacity ${CAPACITY_FILE}: skipped (${r.skipped})`;
  if ('error' in r) return `capacity ${CAPACITY_FILE}: FAILED: ${r.error}`;
  const beside = r.cBenchSteadyMedianWallS === null
    ? 'no C bench-steady in these rounds to compare with (BENCH_SCENARIOS must include bench-steady, and gcc)'
    : `C reference bench-steady ${fmtS(r.cBenchSteadyMedianWallS)} in the same rounds: ${r.overCBenchSteady!.toFixed(1)}x (target <= 60x)`;
  return `capacity ${r.file} (all what-ifs, with report; median of ${r.runs}): ${fmtS(r.medianWallS)}; ${beside}`;
}

// -------------------------------------------------------------------------------------- main

async function main(): Promise<number> {
  const s = settings();
  if (!existsSync(s.cli)) throw new Error(`${s.cli} is missing: run "npm run build" first`);
  const tmp = mkdtempSync(join(tmpdir(), 'portsim-bench-'));
  try {
    const rss = detectRssMethod(tmp);
    const ref = buildReference(s, tmp);
    const started = new Date();
    console.log(`portsim bench, ${started.toISOString()}: node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`peak RSS: ${describeRss(rss)}`);
    console.log(`${ref.note}; wall time: parent's monotonic clock, spawn to exit`);
    const nodeStart = await nodeStartup(rss, tmp);
    console.log(`${nodeStartLine(nodeStart)}\n`);

    const results: ScenarioResult[] = [];
    let failed = 0;
    const benches: Bench[] = [];
    for (const sc of s.scenarios) {
      try {
        benches.push(prepareScenario(s, sc.name, s.runsOverride ?? sc.defaultRuns, ref.binary));
      } catch (e) {
        failed++;
        console.log(`${sc.name}: FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    const capacityBench: CapacityBench = { wallS: [] };
    await benchScenarios(benches, s, ref.binary, rss, tmp, capacityBench);
    for (const b of benches) {
      if (b.error !== undefined) {
        failed++;
        console.log(`${b.name}: FAILED: ${b.error}\n`);
        continue;
      }
      const r = scenarioResult(b);
      results.push(r);
      console.log(`${scenarioTable(r)}\n`);
    }
    const derived = derivedChecks(results);
    console.log(derivedTable(derived));
    const capacity = capacityResult(capacityBench, results, s);
    console.log(`\n${capacityLine(capacity)}`);
    if ('error' in capacity) failed++;

    const parallel = await section('Parallel replications', s.parallelRuns === 0 ? 'BENCH_PARALLEL=0' : undefined,
      () => benchParallel(s, s.parallelRuns, rss, tmp), parallelTable);
    const sharded = await section('Sharded sweep', s.shards ? undefined : 'BENCH_SHARDS=0',
      () => benchShards(s, rss, tmp), shardTable);
    // A crash, or outputs that are not identical, fails the bench; a missed 0.6 target does not.
    const checksFailed = [parallel, sharded].filter((r) => 'error' in r || ('identical' in r && !r.identical)).length;

    const outDir = join(s.root, 'bench', 'out');
    mkdirSync(outDir, { recursive: true });
    const outFile = join(outDir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(outFile, `${JSON.stringify({
      started: started.toISOString(), node: process.version, cpus: cpus().length, loadavg: loadavg(),
      rssMethod: describeRss(rss), reference: ref.note, nodeStartup: nodeStart, failedScenarios: failed, scenarios: results, derived, capacity,
      parallel, sharded, failedChecks: checksFailed,
    }, null, 2)}\n`);
    console.log(`\nall figures: ${outFile}`);
    return failed > 0 || checksFailed > 0 ? 1 : 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
