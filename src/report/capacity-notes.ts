import { natNotes } from './capacity-nat';
import type { Plan } from '../sim/plan';
import { type PlanEstimate, trafficKind } from '../stats/analytic';
import type { SearchStatus } from '../stats/capacity';

/**
 * The sentences under `portsim capacity`'s tables (the console, report.html, the page): why the
 * simulated and the analytic figures differ, for this scenario. Pure.
 */

const pct = (x: number) => `${(x * 100).toPrecision(3).replace(/\.?0+$/, '')}%`;
const rate = (x: number) => (x >= 100 ? x.toFixed(1) : x.toPrecision(4));

/** What the notes read of the search (./capacity.ts CapacityContext). */
export interface NotesContext { plan: Plan; target: number; precision: number; replications: number; text: { steady: string } }
/** What the notes read of a profile's answer (./capacity.ts ProfileCapacity). */
export interface NotesResult { label: string; estimate: PlanEstimate; status: SearchStatus; sustainable: { rate: number } | undefined }

/**
 * Why the simulated and the analytic figures differ, for this scenario: one sentence per reason
 * that applies.
 */
export function capacityNotes(ctx: NotesContext, results: readonly NotesResult[]): string[] {
  const { plan } = ctx;
  const notes: string[] = [];
  const { randomArrivals: poisson, fixedHold } = trafficKind(plan);
  notes.push(
    "Little's law N/hold is the ceiling for any traffic: on average rate × hold ports are held (hold = connection duration + TIME_WAIT when the client closes).",
  );
  if (!poisson && fixedHold) {
    notes.push(
      `Evenly spaced arrivals with a fixed hold keep exactly rate × hold ports busy, so they run right up to N/hold, and ${pct(ctx.target)} beyond it: the attempts over N/hold are the ones that fail (within the search precision).`,
    );
  } else if (!poisson) {
    notes.push('Evenly spaced arrivals with varying holds still bunch up in the pool: expect a sustainable rate between the Erlang-B and Little figures.');
  }
  if (poisson) {
    notes.push(
      `Poisson arrivals come in random clumps that fill the pool below N/hold now and then; keeping failures at or below ${pct(ctx.target)} needs the margin Erlang-B gives (exact for Poisson arrivals into one pool, whatever the hold distribution).`,
    );
  }
  const multi = results.filter((r) => r.estimate.pools > 1 && r.estimate.share < 1);
  if (multi.length > 0) {
    const r = multi[0]!;
    const lockstep = plan.hosts.some((h) => h.sourceIps.length > 1) && plan.destinations.length > 1;
    notes.push(
      `${multi.map((m) => m.label).join(', ')}: the traffic spreads over ${r.estimate.pools} pools (one per source IP, and per destination under per-destination sharing); the estimates are the busiest pool's, divided by its share of the attempts (${pct(r.estimate.share)} for ${r.label}). Less busy pools fail later, so the measured total can exceed them${lockstep ? '; source IPs and destinations both taken in turn can lock together and load some pools more than their share' : ''}.`,
    );
  }
  if (plan.workloads.some((w) => w.arrivals.start > 0 || Number.isFinite(w.arrivals.stop))) {
    notes.push('Some workloads run only part of the time (start/stop): the estimates assume every workload runs all the time.');
  }
  const capped = results.filter((r) => r.status === 'no-failure-found');
  const caps = [...new Set(plan.variants.flatMap((v) => v.profiles.map((p) => p.maxTimeWaitBuckets)).filter(Number.isFinite))];
  if (capped.length > 0 && caps.length > 0) {
    notes.push(
      `${capped.map((r) => r.label).join(', ')}: no failure up to the highest load searched. With maxTimeWaitBuckets (${caps.join('/')} per host, Linux tcp_max_tw_buckets) the kernel frees a closing port at once when the host already holds that many TIME_WAITs, so past it TIME_WAIT stops limiting the rate (summary.csv time_wait_overflows counts those closes); the port limit without the cap is the Little and Erlang-B figures.`,
    );
  }
  if (plan.workloads.some((w) => w.pool !== undefined || w.clients !== undefined)) {
    notes.push('Pooled (keep-alive) or closed-loop workloads: the Little and Erlang-B figures treat every request as a connection of its own, so they understate what pooling sustains.');
  }
  const first = results[0];
  if (first !== undefined) notes.push(...natNotes(plan, first.estimate, first.sustainable === undefined ? undefined : `${first.status === 'ok' ? '' : '≥ '}${rate(first.sustainable.rate)}/s (${first.label})`));
  const steady = ctx.text.steady;
  notes.push(
    `Each probe measures ${ctx.replications === 1 ? 'one run' : `the mean of ${ctx.replications} replications`} over ${steady} of steady state; near the target that ratio is noisy, so the answer can move by more than the ${pct(ctx.precision)} bracket from seed to seed (probes.csv lists every probe; --replications and a longer --duration narrow it). A what-if's probe above the baseline's sustainable load, when the load is the same all run long, simulates a shorter steady window with as many attempts as the baseline's answer (never under 10 port holds, TIME_WAIT plus the mean connection; probes.csv: steady_attempts).`,
  );
  return notes;
}

