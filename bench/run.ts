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
 * Runs alternate (portsim, C, portsim, C, ...) so that machine noise hits both sides alike; the
 * table shows medians. From each run it also reads the simulation's own figures (portsim's
 * summary.csv and meta.json, the C program's JSON line) and sets the steady-state failure ratios
 * beside Erlang-B B(N, rate x (mean duration + TIME_WAIT)).
 *
 * How:
 *  - wall time: the parent's monotonic clock from spawn to exit of the child;
 *  - peak RSS: GNU time's %M (maximum resident set size, KiB) when /usr/bin/time (or `time` on
 *    PATH) is GNU time; otherwise polling /proc/<pid>/status VmHWM every few ms (a lower bound);
 *    the method is printed and saved;
 *  - runs per side: 5 (bench-long: 3); the environment variable BENCH_RUNS sets all of them;
 *  - the shared folder is ../shared beside the repository, or the environment variable
 *    PORTSIM_SHARED; without gcc the C side is skipped (and the exit code stays 0).
 * Every figure, per run, goes to bench/out/bench-<timestamp>.json. Exit code 1 if anything failed
 * to run (a crashed child, unreadable output, a failed build); otherwise 0.
 *
 * Only Node built-ins: this file must not depend on portsim's code or on npm packages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
}

function settings(): Settings {
  const root = findRepoRoot(__dirname);
  const env = process.env.BENCH_RUNS;
  const runs = env === undefined || env === '' ? undefined : Number(env);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) throw new Error(`BENCH_RUNS must be a whole number >= 1, not "${env}"`);
  return {
    root,
    cli: join(root, 'dist', 'src', 'cli', 'main.js'),
    shared: resolve(process.env.PORTSIM_SHARED ?? join(root, '..', 'shared')),
    runsOverride: runs,
  };
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
function measure(cmd: string, args: readonly string[], cwd: string, rss: RssMethod, rssFile: string): Promise<Measured> {
  const [file, argv] = rss.kind === 'gnu-time' ? [rss.time, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, [...args]];
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
  // --no-report: the same work as the C reference (simulate, write the CSV files); drawing the
  // charts and report.html is a fixed ~0.4 s on top, measured apart (README, Performance).
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

async function benchScenario(s: Settings, name: string, runs: number, cBinary: string | undefined, rss: RssMethod, tmp: string): Promise<ScenarioResult> {
  const file = `scenarios/${name}.yaml`;
  const model = modelParams(normalizedPlan(s, file));
  const m = typeof model === 'string' ? null : model;
  const cSkipped = cBinary === undefined ? 'no C binary' : m === null ? String(model) : undefined;
  const ps: RunFigures[] = [];
  const cs: RunFigures[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`  ${name}: run ${i + 1}/${runs} portsim${cSkipped === undefined ? ' + C' : ''}`);
    ps.push(await runPortsim(s, file, m, join(tmp, `${name}-${i}`), rss));
    if (cBinary !== undefined && m !== null) cs.push(await runC(cBinary, m, tmp, rss, join(tmp, `${name}-c-${i}.rss`)));
  }
  progress('');
  return {
    name, file, model: m,
    ...(cSkipped !== undefined ? { cSkipped } : {}),
    erlangB: m === null ? null : erlangB(m.hi - m.lo + 1, m.rate * (m.meanDuration + m.timeWait)),
    portsim: summarise(ps),
    c: cs.length > 0 ? summarise(cs) : null,
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
    console.log(`${ref.note}; wall time: parent's monotonic clock, spawn to exit\n`);

    const results: ScenarioResult[] = [];
    let failed = 0;
    for (const sc of SCENARIOS) {
      try {
        const r = await benchScenario(s, sc.name, s.runsOverride ?? sc.defaultRuns, ref.binary, rss, tmp);
        results.push(r);
        console.log(`${scenarioTable(r)}\n`);
      } catch (e) {
        failed++;
        console.log(`${sc.name}: FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    const derived = derivedChecks(results);
    console.log(derivedTable(derived));

    const outDir = join(s.root, 'bench', 'out');
    mkdirSync(outDir, { recursive: true });
    const outFile = join(outDir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(outFile, `${JSON.stringify({
      started: started.toISOString(), node: process.version, cpus: cpus().length, loadavg: loadavg(),
      rssMethod: describeRss(rss), reference: ref.note, failedScenarios: failed, scenarios: results, derived,
    }, null, 2)}\n`);
    console.log(`\nall figures: ${outFile}`);
    return failed > 0 ? 1 : 0;
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
