import { didYouMean, type Issue, type PathSegment } from './issues';
import { arrivalIssues } from './arrivals';
import { PRESETS } from '../os/presets';
import { variantLabel } from './normalize';
import type { ProfileInput, ScenarioInput } from './schema';
import { eventRules } from './rules-events';
import { gatewayRules } from './rules-gateways';
import { groupProblem } from './topology';
import { formatDuration } from './units';
import { Distribution, type DistributionSpec } from '../random/distributions';

/**
 * Cross-field checks on a scenario that has the right shape. Each rule is small and named, all
 * run, and each pushes issues that say what to change (the changesets pattern).
 */
type Rule = (s: ScenarioInput, issues: Issue[]) => void;

function uniqueNames(list: 'hosts' | 'destinations' | 'workloads'): Rule {
  return (s, issues) => {
    const seen = new Map<string, number>();
    s[list].forEach((item, i) => {
      const first = seen.get(item.name);
      if (first !== undefined) {
        issues.push({ path: [list, i, 'name'], code: 'duplicate', message: `"${item.name}" is already the name of ${list}[${first}]; names must be unique` });
      } else {
        seen.set(item.name, i);
      }
    });
  };
}

const workloadHosts: Rule = (s, issues) => {
  const names = s.hosts.map((h) => h.name);
  s.workloads.forEach((w, i) => {
    if (w.host === undefined) {
      if (names.length > 1) {
        issues.push({ path: ['workloads', i, 'host'], code: 'required', message: `is required when there are several hosts: one of ${names.join(', ')}` });
      }
    } else if (!names.includes(w.host)) {
      issues.push({ path: ['workloads', i, 'host'], code: 'unknown_name', message: `no host is named "${w.host}".${didYouMean(w.host, names)} Hosts: ${names.join(', ')}` });
    }
  });
};

const workloadDestinations: Rule = (s, issues) => {
  const names = s.destinations.map((d) => d.name);
  s.workloads.forEach((w, i) => {
    const seen = new Set<string>();
    w.destinations?.forEach((d, j) => {
      if (!names.includes(d)) {
        issues.push({ path: ['workloads', i, 'destinations', j], code: 'unknown_name', message: `no destination is named "${d}".${didYouMean(d, names)} Destinations: ${names.join(', ')}` });
      } else if (seen.has(d)) {
        issues.push({ path: ['workloads', i, 'destinations', j], code: 'duplicate', message: `"${d}" is listed twice` });
      }
      seen.add(d);
    });
  });
};

function checkProfile(p: ProfileInput, at: PathSegment[], issues: Issue[]): void {
  if (p.portRange !== undefined) {
    const [first, last] = p.portRange;
    if (first > last) {
      issues.push({ path: [...at, 'portRange'], code: 'inverted', message: `first port must not be above the last, got [${first}, ${last}]. Did you mean [${last}, ${first}]?` });
      return;
    }
  }
  if (p.reservedPorts !== undefined) {
    const [first, last] = p.portRange ?? PRESETS[p.preset]!.portRange;
    const where = p.portRange !== undefined ? 'portRange' : `the ${p.preset} range`;
    const reserved = new Set<number>();
    p.reservedPorts.forEach(([a, b], j) => {
      if (a < first || b > last) {
        issues.push({ path: [...at, 'reservedPorts', j], code: 'out_of_range', message: `must lie inside ${where} ${first}-${last}, got ${a === b ? a : `${a}-${b}`}` });
      }
      for (let q = Math.max(a, first); q <= Math.min(b, last); q++) reserved.add(q);
    });
    if (reserved.size >= last - first + 1) {
      issues.push({ path: [...at, 'reservedPorts'], code: 'no_ports', message: `reserves every port of ${first}-${last}: no port is left to allocate` });
    }
  }
}

const profiles: Rule = (s, issues) => {
  s.hosts.forEach((h, i) => checkProfile(h.profile, ['hosts', i, 'profile'], issues));
  s.compare?.forEach((p, i) => checkProfile(p, ['compare', i], issues));
};

const compareLabels: Rule = (s, issues) => {
  const seen = new Map<string, number>();
  s.compare?.forEach((p, i) => {
    const label = variantLabel(p);
    const first = seen.get(label);
    if (first !== undefined) {
      issues.push({ path: ['compare', i], code: 'duplicate', message: `compares "${label}" twice (as compare[${first}] too); give each variant its own label: {preset: ${p.preset}, label: ..., ...}` });
    } else {
      seen.set(label, i);
    }
  });
};

const times: Rule = (s, issues) => {
  if (s.sample !== undefined && s.sample > s.duration) {
    issues.push({ path: ['sample'], code: 'too_big', message: `must not be longer than duration (${formatDuration(s.duration)}), got ${formatDuration(s.sample)}` });
  }
  if (s.warmup !== undefined && s.warmup >= s.duration) {
    issues.push({ path: ['warmup'], code: 'too_big', message: `must be shorter than duration (${formatDuration(s.duration)}), got ${formatDuration(s.warmup)}` });
  }
  s.workloads.forEach((w, i) => {
    const { start, stop } = w.arrivals ?? {};
    if (start !== undefined && start >= s.duration) {
      issues.push({ path: ['workloads', i, 'arrivals', 'start'], code: 'too_big', message: `must be before the end of the run (${formatDuration(s.duration)}), got ${formatDuration(start)}` });
    }
    if (stop !== undefined && stop <= (start ?? 0)) {
      issues.push({ path: ['workloads', i, 'arrivals', 'stop'], code: 'too_small', message: `must be after start (${formatDuration(start ?? 0)}), got ${formatDuration(stop)}` });
    }
    const at: PathSegment[] = ['workloads', i];
    distributionIssues(w.connection.duration, [...at, 'connection', 'duration'], issues);
    if (w.connection.connectLatency !== undefined) distributionIssues(w.connection.connectLatency, [...at, 'connection', 'connectLatency'], issues);
    if (w.clients?.think !== undefined) distributionIssues(w.clients.think, [...at, 'clients', 'think'], issues);
  });
};

/** A distribution's parameters that must fit together (and each part's, for a mixture). */
function distributionIssues(d: DistributionSpec, path: PathSegment[], issues: Issue[]): void {
  if (d.dist === 'uniform' && d.min > d.max) {
    issues.push({ path, code: 'inverted', message: `min must not be above max, got min ${formatDuration(d.min)}, max ${formatDuration(d.max)}` });
  }
  if (d.dist === 'lognormal' && d.p99 <= d.median) {
    issues.push({ path: [...path, 'p99'], code: 'too_small', message: `must be above the median (${formatDuration(d.median)}), got ${formatDuration(d.p99)}` });
  }
  if (d.dist === 'pareto') {
    if (d.max !== undefined && d.max <= d.scale) {
      issues.push({ path: [...path, 'max'], code: 'too_small', message: `must be above scale (${formatDuration(d.scale)}), got ${formatDuration(d.max)}` });
    } else if (d.max === undefined && d.shape <= 1) {
      // The mean sets the default warm-up and the capacity estimates: it must be finite.
      issues.push({ path: [...path, 'shape'], code: 'infinite_mean', message: `must be above 1 for a finite mean, got ${d.shape}; for a heavier tail set max: to truncate it (e.g. max: 1h)` });
    }
  }
  if (d.dist === 'mixture') d.parts.forEach((p, k) => distributionIssues(p.duration, [...path, 'parts', k, 'duration'], issues));
}

const addresses: Rule = (s, issues) => {
  s.destinations.forEach((d, i) => {
    const port = Number(d.address.slice(d.address.lastIndexOf(':') + 1));
    if (!(port >= 1 && port <= 65535)) {
      issues.push({ path: ['destinations', i, 'address'], code: 'out_of_range', message: `port must be 1-65535, got ${port}` });
    }
    const group = groupProblem(d);
    if (group !== undefined) issues.push({ path: ['destinations', i, group.field], code: group.field === 'count' ? 'too_big' : 'invalid_format', message: group.message });
  });
};

const zipf: Rule = (s, issues) => {
  s.workloads.forEach((w, i) => {
    if (w.zipfExponent !== undefined && w.selection !== 'zipf') {
      issues.push({ path: ['workloads', i, 'zipfExponent'], code: 'conflict', message: `applies to selection: zipf only, got selection: ${w.selection ?? 'round-robin'}` });
    }
  });
};

/** Socket options that only mean something together: refused rather than silently ignored. */
const socketOptions: Rule = (s, issues) => {
  s.workloads.forEach((w, i) => {
    const c = w.connection;
    const at = ['workloads', i, 'connection'];
    if (c.protocol === 'udp') {
      if (c.bind !== undefined && c.bind !== 'none') {
        issues.push({ path: [...at, 'bind'], code: 'conflict', message: `applies to TCP only; a connected UDP socket always gets a port of its own (remove bind, or set protocol: tcp)` });
      }
      if (c.closedBy !== undefined) {
        issues.push({ path: [...at, 'closedBy'], code: 'conflict', message: 'applies to TCP only; a UDP socket holds its port for duration + idleTimeout (remove closedBy, or set protocol: tcp)' });
      }
    } else if (c.idleTimeout !== undefined) {
      issues.push({ path: [...at, 'idleTimeout'], code: 'conflict', message: 'applies to UDP only (set protocol: udp, or fold the idle time into duration)' });
    }
    if (c.reuseAddr === true && c.bind !== 'any-port') {
      issues.push({ path: [...at, 'reuseAddr'], code: 'conflict', message: `changes only which port bind(ip, 0) picks; it needs bind: any-port, got bind: ${c.bind ?? 'none'}` });
    }
  });
};

/** Open model (arrivals) or closed model (clients), and request-layer settings that must fit together. */
const requestLayer: Rule = (s, issues) => {
  s.workloads.forEach((w, i) => {
    const at = ['workloads', i];
    if (w.arrivals === undefined && w.clients === undefined) {
      issues.push({ path: [...at, 'arrivals'], code: 'required', message: 'is required: when attempts happen (e.g. {type: poisson, rate: 200/s}), or give clients instead (e.g. {type: constant-concurrency, count: 10, think: 100ms})' });
    }
    if (w.arrivals !== undefined && w.clients !== undefined) {
      issues.push({ path: [...at, 'clients'], code: 'conflict', message: 'a workload has either arrivals (open model) or clients (closed model), not both' });
    }
    if (w.clients !== undefined && new Distribution(w.clients.think ?? { dist: 'constant', value: 0 }).mean === 0) {
      issues.push({ path: [...at, 'clients', 'think'], code: 'too_small', message: 'must be longer than 0 on average: a client whose connect() fails takes no simulated time, so with no think time it would try again at the same instant forever (e.g. think: 100ms)' });
    }
    if (w.pool !== undefined && w.connection.protocol === 'udp') {
      issues.push({ path: [...at, 'pool'], code: 'conflict', message: 'connection pools keep TCP connections open; a UDP workload has none (remove pool, or set protocol: tcp)' });
    }
    const r = w.retry;
    if (r !== undefined && r.base !== undefined && r.max !== undefined && r.max < r.base) {
      issues.push({ path: [...at, 'retry', 'max'], code: 'too_small', message: `must not be below base (${formatDuration(r.base)}), got ${formatDuration(r.max)}` });
    }
    if (w.connection.connectTimeout !== undefined) {
      const h = s.hosts.find((x) => x.name === (w.host ?? s.hosts[0]?.name));
      const where = [...at, 'connection', 'connectTimeout'];
      if (w.clients === undefined && w.pool === undefined && w.retry === undefined) {
        issues.push({ path: where, code: 'conflict', message: 'applies to the request layer only (clients, pool or retry): without it a dropped SYN is a failed attempt at once, its port held for the gateway\'s synTimeout' });
      } else if (h !== undefined && h.via === undefined) {
        issues.push({ path: where, code: 'conflict', message: `applies behind a gateway only: in this model only a gateway drops a SYN, and host ${h.name} has no via` });
      }
    }
    if (r?.flushPool === true && w.pool === undefined) {
      issues.push({ path: [...at, 'retry', 'flushPool'], code: 'conflict', message: 'closes the idle connections of the workload\'s pool on a failure; it needs pool' });
    }
  });
};

const RULES: Rule[] = [
  uniqueNames('hosts'), uniqueNames('destinations'), uniqueNames('workloads'),
  workloadHosts, workloadDestinations, profiles, compareLabels, times, addresses, zipf, socketOptions,
  arrivalIssues, requestLayer, gatewayRules, eventRules,
];

export function checkRules(s: ScenarioInput): Issue[] {
  const issues: Issue[] = [];
  for (const rule of RULES) rule(s, issues);
  return issues;
}
