import { parseScenario, ScenarioError } from '../../src/scenario/load';
import type { Plan } from '../../src/sim/plan';

/** A plan from YAML text written inline in a test. */
export function planOf(yaml: string): Plan {
  return parseScenario('test.yaml', yaml).plan;
}

/** A one-host, one-workload scenario; `extra` fields are spliced into the text as YAML. */
export function simplePlan(opts: {
  profile: string;
  rate: string;
  arrivals?: 'constant' | 'poisson';
  duration?: string;
  connection?: string;
  destinations?: number;
  sourceIps?: number;
  closedBy?: string;
  /** More `connection` fields, as YAML lines at the connection's indentation (e.g. "bind: any-port"). */
  socket?: string[];
  seed?: number;
  compare?: string;
}): Plan {
  const n = opts.destinations ?? 1;
  const dests = Array.from({ length: n }, (_, i) => `  - { name: d${i}, address: "10.0.0.${i + 1}:80" }`).join('\n');
  return planOf(`
name: t
seed: ${opts.seed ?? 1}
duration: ${opts.duration ?? '100s'}
hosts:
  - name: h
    profile: ${opts.profile}
    sourceIps: ${opts.sourceIps ?? 1}
destinations:
${dests}
workloads:
  - name: w
    arrivals: { type: ${opts.arrivals ?? 'constant'}, rate: ${opts.rate} }
    connection:
      duration: ${opts.connection ?? '0s'}
      closedBy: ${opts.closedBy ?? 'client'}
${(opts.socket ?? []).map((l) => `      ${l}`).join('\n')}
${opts.compare !== undefined ? `compare: ${opts.compare}` : ''}
`);
}

/**
 * A few simulated seconds: two profiles, Poisson arrivals (so replications differ), one of them
 * running out of ports. Shared by the parallel-run and confidence-interval CLI tests.
 */
export const SMALL_COMPARE = `
name: small
duration: 8s
warmup: 1s
hosts: [{ name: h, profile: linux }]
destinations: [{ name: api, address: 192.0.2.10:443 }, { name: db, address: 192.0.2.11:5432 }]
workloads:
  - name: w
    arrivals: { type: poisson, rate: 700/s }
    connection: { duration: { dist: exponential, mean: 20ms }, closedBy: client }
compare: [linux, windows-legacy]
`;

/** The message a scenario text (named t.yaml) is refused with; '' when it is accepted. */
export function refusalOf(text: string): string {
  try {
    parseScenario('t.yaml', text);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  return '';
}
