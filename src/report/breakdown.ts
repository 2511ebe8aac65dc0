import { secondsFromTicks } from '../engine/time';
import type { Plan } from '../sim/plan';
import type { RunResult } from '../stats/run-one';
import type { Row } from './row';

/**
 * The rows of summary.csv below a run's total: one per host when the variant has more than one
 * host with traffic, one per workload when some host runs more than one (with one workload per
 * host, the host rows say it all). The total row is labelled TOTAL in the `host` and `workload`
 * columns.
 *
 * A host's attempts, failures, first failure and fullest pool come from its pools (each pool
 * belongs to one host: exact); its peak of ports in use, steady attempts and failures, TIME_WAIT
 * peak and retries from the per-host and per-workload counters both engines keep
 * (../stats/run-stats.ts). Figures not kept per host or workload (a workload's steady figures,
 * established and TIME_WAIT peaks, reuse) are left empty.
 */
export const TOTAL = '(total)';

const ratio = (num: number, den: number): number | undefined => (den > 0 ? num / den : undefined);
const sec = (t: number): number | undefined => (t < 0 ? undefined : secondsFromTicks(t));
const share = (x: number): number => Math.round(x * 1e6) / 1e6;

/** The columns every row of a run shares. */
function base(plan: Plan, r: RunResult): Row {
  return { scenario: plan.name, profile: plan.variants[r.variant]!.label, replication: r.replication, seed: plan.seed };
}

function hostRow(plan: Plan, r: RunResult, h: number): Row {
  const s = r.stats;
  const p = plan.variants[r.variant]!.profiles[h]!;
  const capacity = p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
  let attempts = 0, failures = 0, first = -1, fullest = 0, pools = 0, drops = 0;
  r.poolInfo.forEach((info, i) => {
    if (info.host !== h) return;
    pools++;
    attempts += s.poolAttempts[i]!;
    failures += s.poolFailures[i]!;
    drops += r.gateways?.poolFailures[i] ?? 0; // SYNs its gateway dropped, on ports the OS gave
    const f = s.poolFirstFailure[i]!;
    if (f >= 0 && (first < 0 || f < first)) first = f;
    fullest = Math.max(fullest, s.poolPeakInUse[i]! / capacity);
  });
  let retries = 0;
  plan.workloads.forEach((w, i) => {
    if (w.host !== h) return;
    retries += s.workloadRetries[i]!;
    // behind a gateway, the first failure may be a drop: the workloads' first failures count both layers
    const f = s.workloadFirstFailure[i]!;
    if (drops > 0 && f >= 0 && (first < 0 || f < first)) first = f;
  });
  const layers = r.gateways === undefined ? {} : { host_failures: failures, gateway_failures: drops };
  failures += drops;
  return {
    ...base(plan, r), host: plan.hosts[h]!.name, workload: '*',
    attempts, successes: attempts - failures, failures, failure_ratio: ratio(failures, attempts),
    steady_attempts: s.hostSteadyAttempts[h], steady_failures: s.hostSteadyFailures[h], steady_failure_ratio: ratio(s.hostSteadyFailures[h]!, s.hostSteadyAttempts[h]!),
    first_failure_s: sec(first), peak_time_wait: s.hostPeakTimeWait[h], peak_in_use: s.hostPeakInUse[h], max_pool_utilization: share(fullest),
    first_attempts: attempts - retries, retries,
    pools, pool_capacity: capacity, time_wait_s: secondsFromTicks(p.timeWait), ...layers,
  };
}

function workloadRow(plan: Plan, r: RunResult, w: number): Row {
  const s = r.stats;
  const wl = plan.workloads[w]!;
  const attempts = s.workloadAttempts[w]!, failures = s.workloadFailures[w]!, retries = s.workloadRetries[w]!;
  return {
    ...base(plan, r), host: plan.hosts[wl.host]!.name, workload: wl.name,
    attempts, successes: attempts - failures, failures, failure_ratio: ratio(failures, attempts), first_failure_s: sec(s.workloadFirstFailure[w]!),
    first_attempts: attempts - retries, retries,
  };
}

export function breakdownRows(plan: Plan, r: RunResult): Row[] {
  const busy = [...new Set(plan.workloads.map((w) => w.host))].sort((a, b) => a - b);
  const rows: Row[] = busy.length > 1 ? busy.map((h) => hostRow(plan, r, h)) : [];
  const perWorkload = busy.some((h) => plan.workloads.filter((w) => w.host === h).length > 1);
  if (perWorkload) plan.workloads.forEach((_, w) => rows.push(workloadRow(plan, r, w)));
  return rows;
}
