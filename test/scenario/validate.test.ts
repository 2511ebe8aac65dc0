import { parseScenario } from '../../src/scenario/load';
import { refusalOf } from '../helpers/scenario';

const base = (profile: string, extra = '') => `
name: t
duration: 10m
hosts: [{ name: h, profile: ${profile} }]
destinations: [{ name: d, address: 10.0.0.1:80 }]
workloads:
  - name: w
    arrivals: { type: constant, rate: 1/s }
    connection: { duration: 0s }
${extra}`;

const issuesOf = refusalOf;

describe('validation beyond shape', () => {
  test('reserved ports are checked against the preset range when portRange is not given', () => {
    expect(issuesOf(base('{ preset: windows-legacy, reservedPorts: ["1-65535"] }'))).toBe(
      't.yaml:4:70: hosts[0].profile.reservedPorts: reserves every port of 1025-5000: no port is left to allocate\n' +
        't.yaml:4:71: hosts[0].profile.reservedPorts[0]: must lie inside the windows-legacy range 1025-5000, got 1-65535',
    );
  });

  test('a profile is labelled alike as a host profile and as a compare entry', () => {
    const same = parseScenario('t.yaml', base('{ preset: linux, timeWait: 60s }', 'compare: [{ preset: linux, timeWait: 60s }]'));
    expect(same.plan.variants.map((v) => v.label)).toEqual(['linux']);
    const host = parseScenario('t.yaml', base('{ preset: linux, timeWait: 30s }'));
    expect(host.plan.variants[0]!.label).toBe('linux-custom');
    expect(host.plan.variants[0]!.profiles[0]!.source).toMatch(/Overridden by the scenario: timeWait$/);
  });

  test('a default warm-up that swallows the run is a warning, not silence', () => {
    const short = parseScenario('t.yaml', base('linux').replace('duration: 10m', 'duration: 30s'));
    expect(short.warnings).toEqual([
      'no steady-state figures: the default warm-up, 2 x (longest TIME_WAIT + longest mean connection) = 2m, is not shorter than the run (30s); set warmup: or a longer duration',
    ]);
    expect(parseScenario('t.yaml', base('linux')).warnings).toEqual([]);
  });
});
