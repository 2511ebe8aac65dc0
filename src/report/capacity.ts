import { secondsFromTicks } from '../engine/time';
import type { Plan } from '../sim/plan';
import type { PlanEstimate } from '../stats/analytic';
import { gatewayPoolName, layerCell, type LayerFailures, type LayerFinding, layerText } from './capacity-nat';
import { capacityNotes } from './capacity-notes';
import type { SearchCap, SearchStatus } from '../stats/capacity';
import { otherLimitNote } from '../stats/what-ifs';
import type { LoadPoint } from './charts';
import type { ReportTable } from './html';
import { formatTable } from './table';
import type { Row } from './rows';

export { capacityNotes };

/**
 * What `portsim capacity` reports: capacity.csv (one row per profile), probes.csv (one row per
 * probe) and the console table with a few sentences on why the simulated and analytic figures
 * differ. Pure data in, data out.
 */

/** One probe of the search: the scenario with every arrival rate × multiplier. */
export interface ProbeRecord {
  multiplier: number;
  /** Total attempts per second at this multiplier. */
  rate: number;
  /** Mean steady failure ratio over the replications, and its 95 % interval (≥ 2 replications). */
  ratio: number;
  low: number | undefined;
  high: number | undefined;
  pass: boolean;
  /** Steady attempts summed over the replications. */
  steadyAttempts: number;
  /** Closes that overflowed tcp_max_tw_buckets (skipped TIME_WAIT), summed over the replications. */
  overflows: number;
  /** The fullest pool's peak share of its ports in use (summary.csv max_pool_utilization), the highest over the replications. */
  peakUtilization: number;
  /** Steady failures by layer (the OS's, the gateways' dropped SYNs), summed over the replications (0 and 0 without gateways). */
  layers: LayerFailures;
}

export interface ProfileCapacity {
  label: string;
  /** The plan the search ran: the scenario's, or a what-if's changed one (its hosts, gateways and pools are the ones `estimate` names). */
  plan: Plan;
  /** Total attempts per second as the scenario says. */
  current: number;
  estimate: PlanEstimate;
  status: SearchStatus;
  /** Highest passing probe and lowest failing one, if any. */
  sustainable: ProbeRecord | undefined;
  failing: ProbeRecord | undefined;
  probes: ProbeRecord[];
  runs: number;
  events: number;
  /** The what-ifs for this profile, ranked (evaluated by gain, then not modelled, then not applicable). */
  whatIfs?: WhatIfOutcome[];
  /** The highest load the search probes (../stats/capacity.ts searchCap). */
  cap?: SearchCap;
  /** With gateways: which layer binds first, and the vendor's arithmetic (./capacity-nat.ts). */
  layer?: LayerFinding;
}

/**
 * What a search's answer is: `measured` (bracketed within the precision), `lower_bound` (no failure
 * up to the highest load probed, or the probe limit came first: the rate is at least this),
 * `unbounded` (no failure up to there, and by the analytic figures no port is held per request:
 * ports never limit), `fails_at_any_load`.
 */
export type Answer = 'measured' | 'lower_bound' | 'unbounded' | 'fails_at_any_load';

export function answerOf(c: ProfileCapacity): Answer {
  if (c.status === 'ok') return 'measured';
  if (c.status === 'fails-at-any-load') return 'fails_at_any_load';
  return c.status === 'no-failure-found' && !Number.isFinite(c.estimate.erlangRate) ? 'unbounded' : 'lower_bound';
}

/** Why an answer is a bound, in words (undefined for a measured one). */
export function answerReason(c: ProfileCapacity, precision: number): string | undefined {
  const a = answerOf(c);
  if (a === 'measured') return undefined;
  if (a === 'fails_at_any_load') return STATUS_TEXT['fails-at-any-load'];
  if (c.status === 'probe-limit') {
    return `${c.probes.length} probes did not narrow the bracket ${rate(c.sustainable?.rate)}–${rate(c.failing?.rate)}/s to ${pct(precision)}: the rate is at least the lower end`;
  }
  if (c.cap === undefined) return STATUS_TEXT['no-failure-found'];
  const why = c.cap.byBudget ? ' (as far as one probe may simulate: 10^8 attempts)' : '';
  if (c.cap.of !== 'baseline') return `${baselineBound(c)}${why} (no failure up to there; next limit: ${baselineNext(c)})`;
  if (c.cap.times === 1 && !c.cap.byBudget) return "≥ the baseline's lower bound (a what-if of a baseline that is itself a lower bound is searched no further than it)";
  const times = `${Number(c.cap.times.toPrecision(3))}× baseline`;
  const next = Number.isFinite(c.estimate.erlangRate)
    ? (c.estimate.erlangRate > c.cap.multiplier * c.current
      ? `ports again at about ${rate(c.estimate.erlangRate)}/s (Erlang-B on the pools the change leaves)`
      : `not ports up to there, though the pools the change leaves would bind at about ${rate(c.estimate.erlangRate)}/s by Erlang-B (see the notes)`)
    : 'none from ports: with the change no port is held per request';
  return `≥ ${times}${why} (ports are no longer the limit; next limit: ${next})`;
}

/** A baseline's bound in words: `≥ 10× the file's load` or `≥ 10× the Erlang-B estimate`. */
function baselineBound(c: ProfileCapacity): string {
  const cap = c.cap!;
  return `≥ ${Number(cap.times.toPrecision(3))}× ${cap.of === 'load' ? "the file's load" : 'the Erlang-B estimate'} (${rate(cap.multiplier * c.current)}/s)`;
}

/** What would limit a baseline beyond its bound, by the analytic figures. */
function baselineNext(c: ProfileCapacity): string {
  const e = c.estimate;
  if (!Number.isFinite(e.erlangRate)) return 'none from ports: no port is held per request';
  if (c.cap!.buckets !== undefined) {
    return `ports only once open connections fill them: past tcp_max_tw_buckets (${c.cap!.buckets} TIME_WAITs per host) a closing port is freed at once, so Erlang-B's ${rate(e.erlangRate)}/s, which counts TIME_WAIT, does not apply`;
  }
  return e.erlangRate > c.cap!.multiplier * c.current ? `ports at about ${rate(e.erlangRate)}/s (Erlang-B)` : `not ports up to there, though Erlang-B puts them at about ${rate(e.erlangRate)}/s (see the notes)`;
}

/** One what-if for one profile: searched like the baseline, or listed with the reason it is not. */
export interface WhatIfOutcome {
  id: string;
  title: string;
  /** The concrete change, or why it is not evaluated. */
  detail: string;
  status: 'evaluated' | 'not-applicable' | 'not-modelled-yet';
  /** The search on the changed plan (evaluated only). */
  capacity?: ProfileCapacity;
}

/** Sustainable rate of a what-if over the baseline's, minus 1 (undefined if either is missing, or the baseline's is only a lower bound). */
export function whatIfGain(base: ProfileCapacity, w: WhatIfOutcome): number | undefined {
  if (answerOf(base) !== 'measured') return undefined;
  const a = base.sustainable?.rate;
  const b = w.capacity?.sustainable?.rate;
  return a === undefined || b === undefined || !(a > 0) ? undefined : b / a - 1;
}

/** Evaluated what-ifs by gain (highest first; a failed search last), then the others, stable. */
export function rankWhatIfs(base: ProfileCapacity, list: readonly WhatIfOutcome[]): WhatIfOutcome[] {
  const order = { 'evaluated': 0, 'not-modelled-yet': 1, 'not-applicable': 2 } as const;
  const key = (w: WhatIfOutcome) => whatIfGain(base, w) ?? -Infinity;
  return list.map((w, i) => ({ w, i }))
    .sort((x, y) => order[x.w.status] - order[y.w.status] || (x.w.status === 'evaluated' ? key(y.w) - key(x.w) : 0) || x.i - y.i)
    .map((x) => x.w);
}

export interface CapacityContext {
  plan: Plan;
  target: number;
  precision: number;
  replications: number;
  /** Durations as the user writes them (`15m`): simulated, warmup, steady window. */
  text: { duration: string; warmup: string; steady: string };
}

export const CAPACITY_COLUMNS = [
  'profile', 'change', 'rank', 'current_rate_per_s', 'sustainable_rate_per_s', 'gain', 'headroom', 'target',
  'little_rate_per_s', 'erlang_b_rate_per_s', 'runs', 'probes', 'replications', 'status', 'answer',
  'failing_rate_per_s', 'sustainable_failure_ratio', 'failing_failure_ratio', 'precision',
  'pools', 'busiest_pool', 'busiest_pool_share', 'busiest_pool_rate_per_s', 'pool_capacity', 'hold_s', 'answer_reason', 'change_detail',
  'other_limit',
] as const;

/** capacity.csv's columns appended for a plan with gateways (a scenario without one writes the same file as before). */
export const GATEWAY_CAPACITY_COLUMNS = ['binding_layer', 'binding_layer_from', 'vendor_figure'] as const;

/** capacity.csv's columns for a plan. */
export function capacityColumns(plan: Plan): readonly string[] {
  return plan.gateways === undefined ? CAPACITY_COLUMNS : [...CAPACITY_COLUMNS, ...GATEWAY_CAPACITY_COLUMNS];
}

/** "host/source-ip/destination" (destination `*` for a global pool). */
export function poolName(plan: Plan, e: PlanEstimate): string | undefined {
  const b = e.busiest;
  if (b === undefined) return undefined;
  if (b.gateway !== undefined) return gatewayPoolName(plan, b);
  const host = plan.hosts[b.host]!;
  return `${host.name}/${host.sourceIps[b.sourceIp]}/${b.destination < 0 ? '*' : plan.destinations[b.destination]!.name}`;
}

const finite = (x: number): number | undefined => (Number.isFinite(x) ? x : undefined);

/** The search's row: the baseline (`change` baseline), or an evaluated what-if of `base`. */
export function capacityRow(ctx: CapacityContext, c: ProfileCapacity, change?: { base: ProfileCapacity; whatIf: WhatIfOutcome; rank: number }): Row {
  const e = c.estimate;
  return {
    profile: c.label,
    change: change?.whatIf.id ?? 'baseline',
    rank: change?.rank,
    current_rate_per_s: c.current,
    sustainable_rate_per_s: c.sustainable?.rate,
    gain: change === undefined ? (c.sustainable === undefined ? undefined : 0) : whatIfGain(change.base, change.whatIf),
    headroom: c.sustainable === undefined ? undefined : c.sustainable.rate / c.current - 1,
    target: ctx.target,
    little_rate_per_s: finite(e.littleRate),
    erlang_b_rate_per_s: finite(e.erlangRate),
    runs: c.runs,
    probes: c.probes.length,
    replications: ctx.replications,
    status: c.status,
    answer: answerOf(c),
    failing_rate_per_s: c.failing?.rate,
    sustainable_failure_ratio: c.sustainable?.ratio,
    failing_failure_ratio: c.failing?.ratio,
    precision: ctx.precision,
    pools: e.pools,
    busiest_pool: poolName(c.plan, e),
    busiest_pool_share: e.busiest === undefined ? undefined : e.share,
    // The sustainable rate seen by the busiest pool: the per-pool figure to set beside N/hold.
    busiest_pool_rate_per_s: e.busiest === undefined || c.sustainable === undefined ? undefined : c.sustainable.rate * e.share,
    pool_capacity: e.busiest?.capacity,
    hold_s: e.busiest?.hold,
    answer_reason: answerReason(c, ctx.precision),
    change_detail: change?.whatIf.detail,
    other_limit: change === undefined ? undefined : otherLimit(change.base, change.whatIf),
    ...(ctx.plan.gateways === undefined ? {} : { binding_layer: layerCell(c.layer), binding_layer_from: c.layer?.from, vendor_figure: c.layer?.vendor }),
  };
}

/** The flag of a what-if whose gain comes from another limit (../stats/what-ifs.ts otherLimitNote). */
export function otherLimit(base: ProfileCapacity, w: WhatIfOutcome): string | undefined {
  const a = base.sustainable, b = w.capacity?.sustainable;
  if (a === undefined || b === undefined) return undefined;
  const status = w.capacity!.status;
  return otherLimitNote(a, b, status === 'ok' ? 'measured' : status === 'no-failure-found' ? 'no-failure' : 'open');
}

/** capacity.csv's rows for a profile: the baseline, then its what-ifs as ranked. */
export function capacityRows(ctx: CapacityContext, c: ProfileCapacity): Row[] {
  let rank = 0;
  return [
    capacityRow(ctx, c),
    ...(c.whatIfs ?? []).map((w): Row => (w.capacity !== undefined
      ? capacityRow(ctx, w.capacity, { base: c, whatIf: w, rank: ++rank })
      : { profile: c.label, change: w.id, current_rate_per_s: c.current, target: ctx.target, status: w.status, change_detail: w.detail })),
  ];
}

/** The ranked what-if table of one profile, as console cells (header first). */
export function whatIfCells(c: ProfileCapacity, precision: number): { header: string[]; rows: string[][] } {
  const nat = c.layer !== undefined;
  const header = ['rank', 'change', 'sustainable/s', 'gain', 'headroom', ...(nat ? ['binds'] : []), 'the change (or why it is not evaluated)'];
  const binds = (x: ProfileCapacity | undefined) => (nat ? [x === undefined ? '-' : layerText(x.layer)] : []);
  const b = atLeast(c);
  const baseReason = answerReason(c, precision);
  const base = ['-', 'baseline', c.sustainable === undefined ? '-' : `${b}${rate(c.sustainable.rate)}`, '', c.sustainable === undefined ? '-' : `${b}${signedPct(c.sustainable.rate / c.current - 1)}`, ...binds(c), baseReason === undefined ? 'the scenario as it is' : `${baseReason}: the scenario as it is`];
  let rank = 0;
  const rows = (c.whatIfs ?? []).map((w) => {
    if (w.capacity === undefined) return ['-', w.id, '-', '-', '-', ...binds(undefined), `${w.status === 'not-modelled-yet' ? 'not modelled yet' : 'not applicable'}: ${w.detail}`];
    const s = w.capacity.sustainable;
    const gain = whatIfGain(c, w);
    const reason = answerReason(w.capacity, precision);
    const other = otherLimit(c, w);
    const flag = other === undefined ? '' : ` [! ${other}]`;
    // A lower bound reads "at least": ≥ before each figure (over a baseline that is a lower bound, no gain: whatIfGain).
    const ge = atLeast(w.capacity);
    return [
      String(++rank), w.id, s === undefined ? '-' : `${ge}${rate(s.rate)}`, gain === undefined ? '-' : `${ge}${signedPct(gain)}`,
      s === undefined ? '-' : `${ge}${signedPct(s.rate / c.current - 1)}`, ...binds(w.capacity), `${reason === undefined ? w.detail : `${reason}: ${w.detail}`}${flag}`,
    ];
  });
  return { header, rows: [base, ...rows] };
}

export const PROBE_COLUMNS = [
  'profile', 'change', 'probe', 'multiplier', 'rate_per_s', 'steady_failure_ratio', 'steady_failure_ratio_ci95_low', 'steady_failure_ratio_ci95_high',
  'pass', 'steady_attempts',
] as const;

/** The probes of a search (`change`: baseline or the what-if's id). */
export function probeRows(c: ProfileCapacity, change = 'baseline'): Row[] {
  return c.probes.map((p, i) => ({
    profile: c.label,
    change,
    probe: i + 1,
    multiplier: p.multiplier,
    rate_per_s: p.rate,
    steady_failure_ratio: p.ratio,
    steady_failure_ratio_ci95_low: p.low,
    steady_failure_ratio_ci95_high: p.high,
    pass: p.pass ? 1 : 0,
    steady_attempts: p.steadyAttempts,
  }));
}

/** "≥ " before a figure that is a lower bound (a lower_bound or unbounded answer), else nothing. */
const atLeast = (c: ProfileCapacity): string => (answerOf(c) === 'measured' ? '' : '≥ ');
const rate = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(1) : x.toPrecision(4));
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const pct = (x: number) => `${(x * 100).toPrecision(3).replace(/\.?0+$/, '')}%`;

const STATUS_TEXT: Record<SearchStatus, string> = {
  'ok': '',
  'no-failure-found': 'no failure up to the highest load tried (10^4 × the estimate, or 10^8 attempts per run)',
  'fails-at-any-load': 'fails above the target even at the lowest load tried',
  'probe-limit': 'probe limit reached before the bracket was narrow enough',
};

/** The console output of `portsim capacity`. */
export function capacitySummary(ctx: CapacityContext, results: readonly ProfileCapacity[], dir: string, files: readonly string[]): string {
  const { plan } = ctx;
  const nat = plan.gateways !== undefined;
  const header = ['profile', 'current/s', 'sustainable/s', 'headroom', "Little N/hold", 'Erlang-B', ...(nat ? ['binds first'] : []), 'probes', 'runs'];
  const rows = results.map((c) => [
    c.label,
    rate(c.current),
    c.sustainable === undefined ? '-' : `${atLeast(c)}${rate(c.sustainable.rate)}`,
    c.sustainable === undefined ? '-' : `${atLeast(c)}${signedPct(c.sustainable.rate / c.current - 1)}`,
    rate(c.estimate.littleRate),
    rate(c.estimate.erlangRate),
    ...(nat ? [`${layerText(c.layer)}${c.layer?.from === 'estimate' ? ' (estimate)' : ''}`] : []),
    String(c.probes.length),
    String(c.runs),
  ]);
  const title = `${plan.name}: capacity at a steady failure ratio ≤ ${pct(ctx.target)} (all arrival rates scaled together; ` +
    `${ctx.text.duration} simulated, steady from ${ctx.text.warmup}, seed ${plan.seed}, ` +
    `${ctx.replications} replication${ctx.replications === 1 ? '' : 's'} per probe, bracket ${pct(ctx.precision)})`;
  const problems = results.filter((c) => c.status !== 'ok').map((c) => `${c.label}: ${answerReason(c, ctx.precision) ?? STATUS_TEXT[c.status]}`);
  const wrap = (text: string) => text.replace(/(.{1,100})(\s+|$)/g, '$1\n  ').trimEnd();
  return [
    title,
    '',
    formatTable(header, rows, header.map((h, i) => i > 0 && h !== 'binds first')),
    ...(problems.length > 0 ? ['', ...problems] : []),
    ...results.filter((c) => c.whatIfs !== undefined && c.whatIfs.length > 0).flatMap((c) => {
      const t = whatIfCells(c, ctx.precision);
      return ['', `${c.label}: what each change buys, ranked by sustainable rate`, '', formatTable(t.header, t.rows, t.header.map((_, i) => i >= 2 && i <= 4))];
    }),
    '',
    ...capacityNotes(ctx, results).map((n) => `- ${wrap(n)}`),
    '',
    `results: ${dir}/ (${files.join(', ')})`,
  ].join('\n');
}

/** Simulated seconds of steady state per run, for meta.json. */
export const steadySeconds = (plan: Plan): number => secondsFromTicks(plan.duration - plan.warmup);

/** report.html's capacity table: one row per profile (the baseline searches). */
export function capacityReportTable(ctx: CapacityContext, results: readonly ProfileCapacity[]): ReportTable {
  const nat = ctx.plan.gateways !== undefined;
  const header = ['profile', 'current/s', 'sustainable/s', 'headroom', 'Little N/hold', 'Erlang-B', 'busiest pool', ...(nat ? ['binds first'] : []), 'probes', 'runs', 'status'];
  return {
    title: `Capacity at a steady failure ratio ≤ ${pct(ctx.target)}`,
    header,
    rows: results.map((c) => [
      c.label, rate(c.current), c.sustainable === undefined ? '-' : `${atLeast(c)}${rate(c.sustainable.rate)}`, c.sustainable === undefined ? '-' : `${atLeast(c)}${signedPct(c.sustainable.rate / c.current - 1)}`,
      rate(c.estimate.littleRate), rate(c.estimate.erlangRate), poolName(c.plan, c.estimate) ?? '-', ...(nat ? [layerText(c.layer)] : []), String(c.probes.length), String(c.runs), c.status,
    ]),
    numeric: header.map((h, i) => i >= 1 && i <= 5 || h === 'probes' || h === 'runs'),
    note: 'All arrival rates scaled together; capacity.csv has every column, probes.csv every probe.',
  };
}

/** report.html's what-if table: every profile's changes, ranked. */
export function whatIfReportTable(results: readonly ProfileCapacity[], precision: number): ReportTable {
  const rows = results.flatMap((c) => whatIfCells(c, precision).rows.map((r) => [c.label, ...r]));
  const header = ['profile', ...whatIfCells(results[0]!, precision).header];
  return {
    title: 'What each change buys',
    header,
    rows,
    numeric: header.map((_, i) => i >= 3 && i <= 5),
    note: 'Each change is one more capacity search on the changed scenario (same seed and replications), ranked by sustainable rate; capacity.csv has a row per profile and change.',
  };
}

/** The baseline probes of every profile, for capacity.svg. */
export function capacityChartPoints(results: readonly ProfileCapacity[]): LoadPoint[] {
  return results.flatMap((c) => c.probes.map((p): LoadPoint => ({
    load: p.rate,
    failureRatio: p.ratio,
    series: c.label,
    ...(p.low !== undefined && p.high !== undefined ? { low: p.low, high: p.high } : {}),
  })));
}
