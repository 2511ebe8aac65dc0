import { secondsFromTicks } from '../engine/time';
import type { Plan } from '../sim/plan';
import { POOL_ERRNO } from '../sim/pool-layout';
import type { RunResult } from '../stats/run-one';
import { THRESHOLDS, type SampleRow } from '../stats/run-stats';
import { RECOVERY_LEVEL, type Transients } from '../stats/transients';
import { portSpan } from '../kernel/kernel-layout';
import { writePortsCsv } from '../kernel/ports-csv';
import { TOTAL } from './breakdown';
import { GATEWAY_POOLS_COLUMNS, GATEWAY_SUMMARY_COLUMNS, gatewaySummaryCells, withGatewayColumns } from './gateway-rows';

// The rows of the CSV files, as plain records (./row.ts): pure data in, data out.
import type { Cell, Row } from './row';
import { CsvBuffer, encoded, recordPrefix } from './csv';

export type { Cell, Row };

const sec = (ticks: number | undefined): number | undefined =>
  ticks === undefined || ticks < 0 ? undefined : secondsFromTicks(ticks);
const ratio = (num: number, den: number): number | undefined => (den > 0 ? num / den : undefined);
/** Six decimals are plenty for a share and keep the files readable. */
const share = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.round(x * 1e6) / 1e6);

export const SUMMARY_COLUMNS = [
  'scenario', 'profile', 'replication', 'seed', 'host', 'workload',
  'attempts', 'successes', 'failures', 'failure_ratio',
  'steady_attempts', 'steady_failures', 'steady_failure_ratio',
  'first_failure_s', 'last_failure_s', 'failure_episodes', `recovered_util${RECOVERY_LEVEL * 100}_s`, 'load_varies',
  'failures_time_wait', 'failures_established',
  'peak_established', 'peak_time_wait', 'peak_in_use', 'max_pool_utilization',
  ...THRESHOLDS.map((t) => `t_util${t * 100}_s`),
  'distinct_ports', 'reuses', 'reuse_interval_min_s', 'reuse_interval_p50_s', 'reuse_interval_p99_s',
  'reuses_from_time_wait', 'time_wait_overflows', 'fin_wait_2_closes',
  'first_attempts', 'first_attempt_failures', 'retries', 'retry_failures', 'requests_given_up',
  'pooled_requests', 'pooled_requests_reused', 'pooled_requests_waited',
  'pools', 'pool_capacity', 'time_wait_s', 'events',
] as const;

/** The figures of a run from its sample stream (../stats/transients.ts) that summary.csv carries. */
export function transientCells(t: Transients, lastFailure: number, loadVaries: boolean): Row {
  return {
    last_failure_s: sec(lastFailure),
    failure_episodes: t.episodes.length,
    [`recovered_util${RECOVERY_LEVEL * 100}_s`]: sec(t.recovered),
    load_varies: loadVaries ? 1 : 0,
  };
}

export function summaryRow(plan: Plan, r: RunResult, transients?: Row): Row {
  const s = r.stats;
  const variant = plan.variants[r.variant]!;
  const row: Row = {
    scenario: plan.name,
    profile: variant.label,
    replication: r.replication,
    seed: plan.seed,
    host: TOTAL,
    workload: TOTAL,
    attempts: s.attempts,
    successes: s.successes,
    failures: s.failures,
    failure_ratio: ratio(s.failures, s.attempts),
    steady_attempts: s.steadyAttempts,
    steady_failures: s.steadyFailures,
    steady_failure_ratio: ratio(s.steadyFailures, s.steadyAttempts),
    first_failure_s: sec(s.firstFailure),
    ...transients,
    failures_time_wait: s.failuresTimeWait,
    failures_established: s.failuresEstablished,
    peak_established: s.peakEstablished,
    peak_time_wait: s.peakTimeWait,
    peak_in_use: s.peakInUse,
    max_pool_utilization: share(s.maxUtilization),
    ...gatewaySummaryCells(r, plan),
  };
  THRESHOLDS.forEach((t, i) => {
    row[`t_util${t * 100}_s`] = sec(s.thresholdTimes[i]);
  });
  const h = s.reuseIntervals;
  Object.assign(row, {
    distinct_ports: s.distinctPorts(),
    reuses: s.reuses,
    reuse_interval_min_s: sec(h.min),
    reuse_interval_p50_s: sec(h.quantile(0.5)),
    reuse_interval_p99_s: sec(h.quantile(0.99)),
    reuses_from_time_wait: s.timeWaitReuses,
    time_wait_overflows: s.timeWaitOverflows,
    fin_wait_2_closes: s.finWait2Closes,
    first_attempts: s.attempts - s.retries,
    first_attempt_failures: s.failures - s.retryFailures,
    retries: s.retries,
    retry_failures: s.retryFailures,
    requests_given_up: s.gaveUpRequests,
    pooled_requests: s.pooledRequests,
    pooled_requests_reused: s.pooledReused,
    pooled_requests_waited: s.pooledWaited,
    pools: r.poolInfo.length,
    pool_capacity: Math.min(...variant.profiles.map((p) => p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length)),
    time_wait_s: [...new Set(variant.profiles.map((p) => secondsFromTicks(p.timeWait)))].join('/'),
    events: r.events,
  });
  return row;
}

export const TIMESERIES_COLUMNS = [
  'profile', 'replication', 't_s', 'established', 'time_wait', 'in_use', 'attempts', 'failures', 'max_pool_utilization',
] as const;

/** Cells in TIMESERIES_COLUMNS order (one row per sample: arrays keep the many rows cheap). */
export function timeseriesRow(label: string, replication: number, s: SampleRow): Cell[] {
  return [
    label, replication, secondsFromTicks(s.t), s.established, s.timeWait, s.established + s.timeWait,
    s.attempts, s.failures, share(s.maxPoolUtilization),
  ];
}

export const EPISODES_COLUMNS = ['profile', 'replication', 'episode', 'start_s', 'end_s', 'attempts', 'failures', 'failure_ratio'] as const;

/** One row per failure episode (times on the sample grid: see ../stats/transients.ts). */
export function* episodeRows(label: string, replication: number, t: Transients): Generator<Cell[]> {
  let k = 0;
  for (const e of t.episodes) yield [label, replication, ++k, secondsFromTicks(e.start), secondsFromTicks(e.end), e.attempts, e.failures, ratio(e.failures, e.attempts)];
}

export const PHASES_COLUMNS = ['profile', 'replication', 'phase', 'start_s', 'end_s', 'rate_per_s', 'attempts', 'failures', 'failure_ratio'] as const;

/** One row per load phase (../stats/phases.ts). */
export function* phaseRows(label: string, replication: number, t: Transients): Generator<Cell[]> {
  let k = 0;
  for (const p of t.phases) {
    yield [label, replication, ++k, secondsFromTicks(p.start), secondsFromTicks(p.end), Math.round(p.rate * 1000) / 1000, p.attempts, p.failures, ratio(p.failures, p.attempts)];
  }
}

export const PORTS_COLUMNS = [
  'profile', 'replication', 'port', 'allocations', 'reuses', 'reuse_interval_min_s', 'reuse_interval_mean_s',
] as const;

/**
 * ports.csv's rows, in PORTS_COLUMNS order, one per port used, into `sink`: written by the kernel
 * from the statistics' per-port array (../kernel/ports-csv.ts) and handed over a buffer at a time
 * (./csv.ts encoded). why the kernel: a Linux run has 28,232 of them, and in a fresh process the
 * JavaScript that wrote them ran before V8 optimized it, 20-45 ms a task (~10 % of burst's whole
 * run). The label and replication are encoded here (./csv.ts recordPrefix, its quoting); the
 * number cells in the kernel, as ./csv.ts writes them (test/kernel/ports-csv.test.ts ties the two).
 */
export function writePortRows(plan: Plan, r: RunResult, sink: { add(row: readonly Cell[]): void }): void {
  const prefix = recordPrefix([plan.variants[r.variant]!.label, r.replication]);
  const chunk = new CsvBuffer(0);
  const row = encoded(chunk);
  writePortsCsv(r.stats.ports, portSpan(plan.variants[r.variant]!.profiles), prefix, (records) => {
    chunk.bytes = records;
    chunk.length = records.length;
    sink.add(row);
  });
}

export const POOLS_COLUMNS = [
  'profile', 'replication', 'host', 'source_ip', 'destination', 'kind', 'error', 'capacity',
  'attempts', 'failures', 'failure_ratio', 'peak_in_use', 'peak_utilization', 'first_failure_s',
] as const;

/** One row per pool that saw at least one attempt. */
export function* poolRows(plan: Plan, r: RunResult): Generator<Row> {
  const s = r.stats;
  const label = plan.variants[r.variant]!.label;
  for (let i = 0; i < r.poolInfo.length; i++) {
    const attempts = s.poolAttempts[i]!;
    if (attempts === 0) continue;
    const info = r.poolInfo[i]!;
    const host = plan.hosts[info.host]!;
    const p = plan.variants[r.variant]!.profiles[info.host]!;
    const capacity = p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
    yield {
      profile: label,
      replication: r.replication,
      host: host.name,
      source_ip: host.sourceIps[info.sourceIp],
      destination: info.destination < 0 ? '*' : plan.destinations[info.destination]!.name,
      kind: info.kind,
      error: POOL_ERRNO[info.kind],
      capacity,
      attempts,
      failures: s.poolFailures[i],
      failure_ratio: ratio(s.poolFailures[i]!, attempts),
      peak_in_use: s.poolPeakInUse[i],
      peak_utilization: share(s.poolPeakInUse[i]! / capacity),
      first_failure_s: sec(s.poolFirstFailure[i]),
      ...(r.gateways !== undefined ? { gateway_failures: r.gateways.poolFailures[i] } : {}),
    };
  }
}

/** summary.csv's columns for a plan: the NAT layer's appended when it has gateways (./gateway-rows.ts). */
export const summaryColumns = (plan: Plan | undefined): readonly string[] => withGatewayColumns(plan, SUMMARY_COLUMNS, GATEWAY_SUMMARY_COLUMNS);

/** pools.csv's columns for a plan, the same way. */
export const poolsColumns = (plan: Plan | undefined): readonly string[] => withGatewayColumns(plan, POOLS_COLUMNS, GATEWAY_POOLS_COLUMNS);
