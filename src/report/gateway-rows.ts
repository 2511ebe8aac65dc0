import { secondsFromTicks } from '../engine/time';
import type { PlanGateway } from '../nat/plan-gateway';
import type { GatewayPresetName } from '../nat/presets';
import type { Plan } from '../sim/plan';
import { staleResetsPossible } from '../sim/request-gateway';
import type { RunResult } from '../stats/run-one';
import type { Row } from './row';

/**
 * The NAT layer's cells and rows (scenarios/README.md, `gateway.csv`): failures by layer in
 * summary.csv and pools.csv — columns appended only when the plan has gateways, so a scenario
 * without one writes the same files as before — and gateway.csv, each gateway's figures under
 * the names its cloud's monitoring gives them, per sample interval.
 */

/** summary.csv's columns appended for a plan with gateways. */
export const GATEWAY_SUMMARY_COLUMNS = ['host_failures', 'gateway_failures', 'gateway_steady_failures', 'gateway_first_failure_s'] as const;
/** pools.csv's column appended for a plan with gateways: the pool's attempts whose port the OS gave but the gateway dropped (not in `failures`, which are the OS's). */
export const GATEWAY_POOLS_COLUMNS = ['gateway_failures'] as const;

/** Whether the plan's gateways change during the run (`events`): then summary.csv and gateway.csv also count the flows lost to a change. */
const changes = (plan: Plan | undefined): boolean => plan?.gateways?.some((g) => g.steps !== undefined) ?? false;

export function withGatewayColumns<T extends string>(plan: Plan | undefined, columns: readonly T[], extra: readonly string[]): readonly string[] {
  if (plan?.gateways === undefined) return columns;
  const summary = extra === GATEWAY_SUMMARY_COLUMNS;
  return [...columns, ...extra, ...(summary && changes(plan) ? ['gateway_lost_flows'] : []), ...(summary && staleResetsPossible(plan) ? ['stale_connection_resets'] : [])];
}

const sec = (t: number): number | undefined => (t < 0 ? undefined : secondsFromTicks(t));

/**
 * A summary row's NAT cells (none for a run without gateways): host failures (EADDRNOTAVAIL) apart
 * from gateway drops; flows lost to a change during the run (with events); requests that met the
 * gateway's RST on a pooled connection whose mapping its idle timeout had ended (when a pool keeps
 * idle connections longer than its gateway: ../sim/request-gateway.ts).
 */
export function gatewaySummaryCells(r: RunResult, plan?: Plan): Row {
  if (r.gateways === undefined) return {};
  const g = r.gateways.gateways;
  const drops = g.reduce((a, x) => a + x.failures, 0);
  const firsts = g.map((x) => x.firstFailure).filter((t) => t >= 0);
  return {
    host_failures: r.stats.failures - drops,
    gateway_failures: drops,
    gateway_steady_failures: g.reduce((a, x) => a + x.steadyFailures, 0),
    gateway_first_failure_s: firsts.length === 0 ? undefined : sec(Math.min(...firsts)),
    ...(changes(plan) ? { gateway_lost_flows: g.reduce((a, x) => a + x.lostFlows, 0) } : {}),
    ...(staleResetsPossible(plan) ? { stale_connection_resets: r.stats.staleResets } : {}),
  };
}

export const GATEWAY_COLUMNS = ['profile', 'replication', 'gateway', 'preset', 'start_s', 'end_s', 'metric', 'statistic', 'value', 'meaning'] as const;

/** What a metric reads: a gateway's figures over an interval (../kernel/nat-layout.ts GatewayInterval). */
type Figures = { attempts: number; failures: number; peakActive: number; peakUsed: number; lost: number; idle: number; missed: number; conflicts: number; joins: number };
/**
 * `tcp`: the metric counts TCP connections only (open ones, or idle timeouts); `drops`: it counts
 * drops, a UDP flow's too. A gateway carrying UDP says which.
 */
type Metric = { metric: string; statistic: string; meaning: string; value: (f: Figures, capacity: number) => number; tcp?: true; drops?: true };

/** Per cloud, its metrics' names (cloud-nat.md §1-§5) for the figures the NAT layer keeps. */
const METRICS: Record<GatewayPresetName, Metric[]> = {
  'aws-natgw': [
    { metric: 'ConnectionAttemptCount', statistic: 'Sum', meaning: 'attempts that reached the gateway', value: (f) => f.attempts },
    { metric: 'ErrorPortAllocation', statistic: 'Sum', meaning: 'SYNs dropped: no port for that destination', value: (f) => f.failures, drops: true },
    { metric: 'ActiveConnectionCount', statistic: 'Max', meaning: 'most connections open at once; ports in their hold after a close are not connections and are not counted (ErrorPortAllocation can rise while this falls)', value: (f) => f.peakActive, tcp: true },
    { metric: 'IdleTimeoutCount', statistic: 'Sum', meaning: 'connections whose mapping the idle timeout (350 s) ended: one of its own open longer (the model has no traffic between its open and its close), a pooled one idle longer between its requests', value: (f) => f.idle, tcp: true },
  ],
  'azure-lb': [
    { metric: 'SnatConnectionCount{ConnectionState=Attempted}', statistic: 'Sum', meaning: 'attempts that reached the load balancer', value: (f) => f.attempts },
    { metric: 'SnatConnectionCount{ConnectionState=Failed}', statistic: 'Sum', meaning: 'SYNs dropped: the instance\'s block had no port for that destination', value: (f) => f.failures, drops: true },
    { metric: 'UsedSnatPorts', statistic: 'Max', meaning: 'most ports one instance held for one destination (open or in the hold after a close)', value: (f) => f.peakUsed },
    { metric: 'AllocatedSnatPorts', statistic: 'Max', meaning: 'ports preallocated per instance', value: (_, c) => c },
  ],
  'azure-natgw': [
    { metric: 'SNATConnectionCount{ConnectionState=Attempted}', statistic: 'Sum', meaning: 'attempts that reached the gateway', value: (f) => f.attempts },
    { metric: 'SNATConnectionCount{ConnectionState=Failed}', statistic: 'Sum', meaning: 'connections failed: no port for that destination', value: (f) => f.failures, drops: true },
    { metric: 'TotalConnectionCount', statistic: 'Max', meaning: 'most connections open at once', value: (f) => f.peakActive, tcp: true },
  ],
  'gcp-nat': [
    { metric: 'nat/new_connections_count', statistic: 'Sum', meaning: 'attempts that reached Cloud NAT', value: (f) => f.attempts },
    { metric: 'nat/dropped_sent_packets_count{reason=OUT_OF_RESOURCES}', statistic: 'Sum', meaning: 'connections whose SYN was dropped (a count of connections, not of packets)', value: (f) => f.failures - f.conflicts, drops: true },
    { metric: 'nat/port_usage', statistic: 'Max', meaning: 'most ports one VM held for one destination', value: (f) => f.peakUsed },
    { metric: 'nat/allocated_ports', statistic: 'Max', meaning: 'ports allocated per VM', value: (_, c) => c },
  ],
  'linux-masquerade': [
    { metric: 'conntrack new', statistic: 'Sum', meaning: 'attempts that reached the SNAT', value: (f) => f.attempts },
    { metric: 'conntrack drop', statistic: 'Sum', meaning: 'SYNs dropped: the port search found no free reply tuple for that destination', value: (f) => f.failures, drops: true },
    { metric: 'drops_with_free_ports', statistic: 'Sum', meaning: 'of those, SYNs dropped although the NAT IP had a free port for that destination: the search (kept inside port, then 128 + 64 + 32 + 16 + 8 probes from random offsets) missed it (not a conntrack counter)', value: (f) => f.missed },
    { metric: 'conntrack entries', statistic: 'Max', meaning: 'most connections open at once', value: (f) => f.peakActive, tcp: true },
  ],
};

/** GCP with endpoint-independent mapping on: its other drop reason (../kernel/assembly/eim.ts), right after OUT_OF_RESOURCES. */
const EIM_CONFLICT: Metric = {
  metric: 'nat/dropped_sent_packets_count{reason=ENDPOINT_INDEPENDENCE_CONFLICT}', statistic: 'Sum',
  meaning: 'connections whose SYN was dropped because their inside port\'s sticky NAT port already carried that destination (another inside port\'s flow or hold, or its own TIME_WAIT there), whatever ports were free (a count of connections, not of packets)',
  value: (f) => f.conflicts,
};
const eimOn = (g: PlanGateway): boolean => (g.params.endpointIndependentMapping ?? 0) > 0;

/** With events: the flows a change reclaimed the ports of (no cloud reports it; AWS and Azure NAT Gateway never reclaim). */
const LOST: Metric = { metric: 'gateway_lost_flows', statistic: 'Sum', meaning: 'flows on ports a change during the run reclaimed (Azure LB: the block halved on a scale-out; GCP Cloud NAT: every VM reset to the minimum by a configuration change)', value: (f) => f.lost };

/** Behind a gateway that carries UDP, last: the flows that joined a live mapping (../kernel/assembly/udp-reuse.ts; no cloud reports them apart). */
const UDP_JOINED: Metric = {
  metric: 'udp_flows_joined', statistic: 'Sum',
  meaning: 'UDP flows whose OS port still had a live mapping to the same destination at the gateway (a new socket reused the port within the UDP idle timeout): they joined it, no new port, its idle timer restarted; not in the attempts above (not a cloud metric)',
  value: (f) => f.joins,
};

/** The most ports per pool key the gateway gave in [start, end): its capacity at start and after each change in the interval. */
function capacityIn(g: PlanGateway, start: number, end: number): number {
  let c = g.capacity;
  for (const s of g.steps ?? []) if (s.t <= start) c = s.capacity;
  for (const s of g.steps ?? []) if (s.t > start && s.t < end) c = Math.max(c, s.capacity);
  return c;
}

/** Whether GCP's dynamic port allocation is on at some time in the run. */
const dynamic = (g: PlanGateway): boolean => (g.params.maxPortsPerVm ?? 0) > 0 || (g.steps ?? []).some((s) => (s.maxPortsPerVm ?? 0) > 0);

/** Whether a UDP workload goes through the gateway (the plan then has its UDP parameters, ../nat/presets.ts UDP_PARAMS). */
const carriesUdp = (g: PlanGateway): boolean => g.params.udpIdleTimeout !== undefined;

/** A metric's meaning behind a gateway that carries UDP: the connection figures count TCP only (../kernel/assembly/nat.ts). */
function withUdp(m: Metric): Metric {
  if (m.tcp === true) return { ...m, meaning: `${m.meaning}; TCP only: UDP mappings are not counted here` };
  if (m.drops === true) return { ...m, meaning: `${m.meaning}; a UDP flow with no port is counted here at its first datagram (no retries)` };
  return m;
}

/** gateway.csv: per sample interval and gateway, its cloud's metrics over that interval. */
export function* gatewayRows(plan: Plan, r: RunResult): Generator<Row> {
  if (r.gateways === undefined || plan.gateways === undefined) return;
  const label = plan.variants[r.variant]!.label;
  const start = plan.gateways.map(() => 0);
  const own = (g: PlanGateway): Metric[] => (eimOn(g) ? METRICS[g.preset].flatMap((m, i) => (i === 1 ? [m, EIM_CONFLICT] : [m])) : METRICS[g.preset]);
  const metrics = (g: PlanGateway): Metric[] => (changes(plan) ? [...own(g), LOST] : own(g)).map((m) => (carriesUdp(g) ? withUdp(m) : m)).concat(carriesUdp(g) ? [UDP_JOINED] : []);
  for (const f of r.gateways.intervals) {
    const g = plan.gateways[f.gateway]!;
    // GCP dynamic allocation: the most one VM had in the interval, as the kernel grew it
    const capacity = dynamic(g) ? f.allocated : capacityIn(g, start[f.gateway]!, f.t);
    for (const m of metrics(g)) {
      yield {
        profile: label, replication: r.replication, gateway: g.name, preset: g.preset, start_s: secondsFromTicks(start[f.gateway]!), end_s: secondsFromTicks(f.t),
        metric: m.metric, statistic: m.statistic, value: m.value(f, capacity), meaning: m.meaning,
      };
    }
    start[f.gateway] = f.t;
  }
}
