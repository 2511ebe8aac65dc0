import { secondsFromTicks } from '../../engine/time';
import { describeEstimate, estimateWork } from '../../stats/estimate';
import type { LoadedScenario } from '../../scenario/load';
import { formatDuration, formatRate } from '../../scenario/units';

/** The work of a run of it (one thread), as validate prints it under the line above. */
export function describeWork(l: LoadedScenario): string {
  return `  ${describeEstimate(estimateWork([l.plan], { detail: true, threads: 1 }))}`;
}

/** One line per valid scenario: what it will run. */
export function describeScenario(l: LoadedScenario): string {
  const p = l.plan;
  const rate = p.workloads.reduce((sum, w) => sum + w.arrivals.rate, 0);
  return `${l.file}: ok — ${p.name}: ${p.workloads.length} workload(s) at ${formatRate(rate)} in total, ` +
    `${p.hosts.length} host(s), ${p.destinations.length} destination(s), profiles ${p.variants.map((v) => v.label).join(' vs ')}, ` +
    `${formatDuration(p.duration)} simulated (${secondsFromTicks(p.sample)} s samples, steady state from ${formatDuration(p.warmup)})`;
}
