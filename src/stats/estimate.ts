import { Distribution } from '../random/distributions';
import type { Plan } from '../sim/plan';
import { expectedCount } from '../workload/arrivals';

/**
 * The work a study will do, estimated from its plans before anything runs: events simulated,
 * rows written to timeseries.csv, port pools and port slots, and memory. Pure: plans in,
 * figures out. The CLI prints it (`validate`), stores it in meta.json, and refuses work beyond
 * a budget (`--max-events`, `--max-rows`, `--max-memory`) in well under a second, naming the
 * field that drives the cost.
 *
 * The figures are expectations, not bounds on a single run: attempts are the arrival process's
 * expected count (times every retry a workload may make), events about EVENTS_PER_ATTEMPT per
 * attempt plus one per sample; memory counts every pool the workloads can reach (both engines make a
 * pool on its first use, so pools no workload reaches cost nothing) with its ports, and the
 * connections open at once, plus a fixed cost per thread.
 */
export interface WorkEstimate {
  /** Simulations (tasks). */
  tasks: number;
  /** Expected connection attempts, summed over the tasks. */
  attempts: number;
  /** Expected events, summed over the tasks. */
  events: number;
  /** timeseries.csv rows, summed over the tasks (0 when the study writes none). */
  rows: number;
  /** Port pools of the largest task (per host, source IPs × the destinations its workloads reach where its profile shares ports across destinations). */
  pools: number;
  /** Port slots of the largest task (pools × ports in the range). */
  portSlots: number;
  /** Bytes of memory at the peak, over the threads that run at once. */
  memoryBytes: number;
  /** Bytes of memory of one thread running the largest task. */
  threadBytes: number;
  /** What drives each figure, as a field path and value, for messages. */
  drivers: { events: string; rows: string; memory: string };
}

/**
 * Events per connection attempt: arrival, close, end of TIME_WAIT (measured 2.4–2.6 on default,
 * burst and s02; retries count each possible attempt, so s09's estimate is an upper bound).
 */
const EVENTS_PER_ATTEMPT = 3;
/** Bytes per pool whatever its size: its record and statistics, bookkeeping (measured: 10^6 pools took 6.7 GB). */
const BYTES_PER_POOL = 8 << 10;
/**
 * Bytes per port of a pool in use: its last release time (8), free bit and, on the JS engine,
 * its state and closing side (1 each); the kernel's is 8.2. Most of a run's memory when it uses
 * many pools (s11: 400 pools of 28,232 ports, 113 MB).
 */
const BYTES_PER_PORT_SLOT = 10;
/** Bytes per open connection or held port (its record, heap entry, timers). */
const BYTES_PER_CONNECTION = 96;
/** Bytes per thread before any simulation: the runtime, the kernel's memory, buffers. */
export const BYTES_PER_THREAD = 48 << 20;

/**
 * Connection attempts a run of `plan` makes, expected, from workload `w`: its arrivals over the
 * run, following rate curves and replayed traces (../workload/arrivals.ts, `expectedCount`), at
 * `load` times the file's rates, times every attempt its retries may make (an upper bound there).
 */
export function workloadAttempts(plan: Plan, w: Plan['workloads'][number], load = 1): number {
  return expectedCount(w.arrivals, 0, plan.duration) * load * (w.retry?.maxAttempts ?? 1);
}

/**
 * Connection attempts one run of `plan` makes, expected (the sum of workloadAttempts): the work
 * estimate's figure, and what a capacity search's probes are costed and bounded by.
 */
export function expectedAttempts(plan: Plan, load = 1): number {
  return plan.workloads.reduce((a, w) => a + workloadAttempts(plan, w, load), 0);
}

interface TaskCost { attempts: number; events: number; samples: number; pools: number; portSlots: number; held: number; memory: number; top: string }

/** The cost of one simulation of `plan` (variant `variant`), at `load` times the file's arrival rates. */
function taskCost(plan: Plan, variant: number, load: number): TaskCost {
  let attempts = 0;
  let topAttempts = -1;
  let top = 'duration';
  let open = 0;
  const profiles = plan.variants[variant]!.profiles;
  plan.workloads.forEach((w, i) => {
    const a = workloadAttempts(plan, w, load);
    attempts += a;
    if (a > topAttempts) {
      topAttempts = a;
      top = `workloads[${i}].${w.clients !== undefined ? 'clients' : 'arrivals'} (${w.name}: about ${fmt(w.arrivals.rate * load)}/s)`;
    }
    const hold = new Distribution(w.duration).mean + (profiles[w.host]?.timeWait ?? 0);
    open += (w.arrivals.rate * load * (Number.isFinite(hold) ? hold : plan.duration)) / 1e6;
  });
  let pools = 0, portSlots = 0;
  plan.hosts.forEach((h, i) => {
    const used = new Set(plan.workloads.filter((w) => w.host === i).flatMap((w) => w.destinations));
    // connect() pools: per source IP, and per destination the host's workloads reach where the profile shares ports across destinations
    const perDestination = profiles[i] === undefined || profiles[i]!.sharing === 'per-destination';
    const n = Math.max(1, h.sourceIps.length) * (perDestination ? Math.max(1, used.size) : 1);
    const range = profiles[i] === undefined ? 65536 : profiles[i]!.portRange[1] - profiles[i]!.portRange[0] + 1;
    pools += n;
    portSlots += n * range;
  });
  const samples = Math.ceil(plan.duration / plan.sample);
  const events = attempts * EVENTS_PER_ATTEMPT + samples;
  const held = Math.min(open, portSlots);
  const memory = pools * BYTES_PER_POOL + portSlots * BYTES_PER_PORT_SLOT + held * BYTES_PER_CONNECTION;
  return { attempts, events, samples, pools, portSlots, held, memory, top };
}

/**
 * Runs of one variant of a plan at one load: `runs` simulations at `load` times the file's
 * arrival rates, `rowRuns` of which write timeseries.csv. A study is one batch per plan and
 * variant; a capacity search one per search, at the highest load it may probe.
 */
export interface RunBatch {
  plan: Plan;
  variant: number;
  load: number;
  runs: number;
  rowRuns: number;
}

/** The estimate of batches of runs, `threads` of them at once. */
export function estimateBatches(batches: readonly RunBatch[], threads: number): WorkEstimate {
  const est: WorkEstimate = { tasks: 0, attempts: 0, events: 0, rows: 0, pools: 0, portSlots: 0, memoryBytes: 0, threadBytes: 0, drivers: { events: '', rows: '', memory: '' } };
  let topEvents = -1, topMemory = -1, tasksMemory = 0;
  for (const { plan, variant, load, runs, rowRuns } of batches) {
    const c = taskCost(plan, variant, load);
    est.tasks += runs;
    est.attempts += c.attempts * runs;
    est.events += c.events * runs;
    est.rows += c.samples * rowRuns;
    est.pools = Math.max(est.pools, c.pools);
    est.portSlots = Math.max(est.portSlots, c.portSlots);
    tasksMemory = Math.max(tasksMemory, c.memory);
    if (c.events > topEvents) {
      topEvents = c.events;
      est.drivers.events = `${c.top} over duration ${fmtTicks(plan.duration)}`;
      est.drivers.rows = `sample ${fmtTicks(plan.sample)} over duration ${fmtTicks(plan.duration)}: ${fmt(c.samples)} rows a run`;
    }
    if (c.memory > topMemory) {
      topMemory = c.memory;
      est.drivers.memory = `${fmt(c.pools)} port pools (hosts' sourceIps × destinations) of ${fmt(c.portSlots)} ports in all, and about ${fmt(c.held)} ports held at once`;
    }
  }
  const used = Math.max(1, Math.min(threads, est.tasks));
  est.threadBytes = BYTES_PER_THREAD + tasksMemory;
  est.memoryBytes = used * est.threadBytes;
  return est;
}

/**
 * The estimate of a study: every (plan, variant, replication) task; `detail` when it writes
 * timeseries.csv; `threads` running at once; `load` scales arrival rates, `repeat` counts runs
 * of every task.
 */
export function estimateWork(plans: readonly Plan[], opts: { detail: boolean; threads: number; load?: number; repeat?: number }): WorkEstimate {
  const load = opts.load ?? 1, repeat = opts.repeat ?? 1;
  return estimateBatches(plans.flatMap((plan) => plan.variants.map((_, variant) => ({
    plan, variant, load, runs: plan.replications * repeat, rowRuns: opts.detail ? plan.replications : 0,
  }))), opts.threads);
}

/** The user's limits; undefined: no limit. */
export interface Budget {
  maxEvents?: number;
  maxRows?: number;
  maxMemoryBytes?: number;
}

/** Defaults: a 24 h day at 5,000 new connections/s on two profiles runs; 10^9/s for 24 h does not. */
export const DEFAULT_BUDGET: Required<Budget> = { maxEvents: 1e10, maxRows: 2e7, maxMemoryBytes: 8 * 2 ** 30 };

/** Why the estimate is over the budget (one line each), or [] when it fits. */
export function overBudget(e: WorkEstimate, b: Budget): string[] {
  const out: string[] = [];
  if (b.maxEvents !== undefined && e.events > b.maxEvents) {
    out.push(`about ${fmt(e.events)} events to simulate, above the budget of ${fmt(b.maxEvents)} (--max-events), in ${fmt(e.tasks)} run${e.tasks === 1 ? '' : 's'}: driven by ${e.drivers.events}. ` +
      'Shorten the duration, lower the rate, run fewer replications or points, or raise --max-events');
  }
  if (b.maxRows !== undefined && e.rows > b.maxRows) {
    out.push(`${fmt(e.rows)} timeseries.csv rows, above the budget of ${fmt(b.maxRows)} (--max-rows): driven by ${e.drivers.rows}. ` +
      'Use a coarser sample (e.g. sample: 10s), a shorter duration, or raise --max-rows');
  }
  if (b.maxMemoryBytes !== undefined && e.memoryBytes > b.maxMemoryBytes) {
    out.push(`about ${fmtBytes(e.memoryBytes)} of memory, above the budget of ${fmtBytes(b.maxMemoryBytes)} (--max-memory): driven by ${e.drivers.memory}. ` +
      'Use fewer source IPs or destinations, fewer --jobs, or raise --max-memory');
  }
  return out;
}

/** One line for `validate` and the console. */
export function describeEstimate(e: WorkEstimate): string {
  return `work: ${fmt(e.tasks)} run${e.tasks === 1 ? '' : 's'}, about ${fmt(e.events)} events, ${fmt(e.rows)} timeseries rows, ` +
    `${fmt(e.pools)} port pool${e.pools === 1 ? '' : 's'} (${fmt(e.portSlots)} port slots), about ${fmtBytes(e.memoryBytes)} of memory`;
}

/** The estimate as stored in meta.json (rounded: it is an estimate). */
export function estimateJson(e: WorkEstimate): Record<string, number> {
  return {
    tasks: e.tasks, attempts: Math.round(e.attempts), events: Math.round(e.events), timeseriesRows: e.rows,
    pools: e.pools, portSlots: e.portSlots, memoryBytesPerThread: Math.round(e.threadBytes),
  };
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x < 1e6 ? `${Math.round(x * 100) / 100}` : x.toExponential(2).replace('e+', 'e');
}

function fmtBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(b / 2 ** 20)} MiB`;
}

function fmtTicks(t: number): string {
  return t >= 1e6 ? `${t / 1e6} s` : `${t} µs`;
}
