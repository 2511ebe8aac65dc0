import { RandomStream } from '../../src/random/stream';
import { parseScenario } from '../../src/scenario/load';
import { DestinationPicker } from '../oracle/workload/destination-picker';

const scenario = (destinations: string, workload = '') => `name: t
duration: 100s
hosts: [{ name: h, profile: linux }]
destinations:
${destinations}
workloads:
  - name: w
    arrivals: { type: constant, rate: 10/s }
    connection: { duration: 1s }
${workload}`;

const planOf = (yaml: string) => parseScenario('t.yaml', yaml).plan;

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe('destination groups (count)', () => {
  test('expand to name#1…name#n with addresses counting up and the entry weight on every member', () => {
    const plan = planOf(scenario('  - { name: api, address: "10.0.1.1:8080", count: 3, weight: 2 }\n  - { name: db, address: "db.internal:5432" }'));
    expect(plan.destinations).toEqual([
      { name: 'api#1', address: '10.0.1.1:8080', weight: 2 },
      { name: 'api#2', address: '10.0.1.2:8080', weight: 2 },
      { name: 'api#3', address: '10.0.1.3:8080', weight: 2 },
      { name: 'db', address: 'db.internal:5432', weight: 1 },
    ]);
    // no destinations: every member, in file order
    expect(plan.workloads[0]!.destinations).toEqual([0, 1, 2, 3]);
    expect(plan.workloads[0]!.weights).toEqual([2, 2, 2, 1]);
  });

  test('a workload naming the group gets all its members', () => {
    const plan = planOf(scenario(
      '  - { name: db, address: "10.9.9.9:5432" }\n  - { name: api, address: "10.0.1.1:8080", count: 40 }',
      '    destinations: [api]',
    ));
    expect(plan.workloads[0]!.destinations).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    expect(plan.destinations[40]).toEqual({ name: 'api#40', address: '10.0.1.40:8080', weight: 1 });
  });

  test('the last octet carries into the third; a.b.255.255 is the last address a group can reach', () => {
    const plan = planOf(scenario('  - { name: g, address: "10.0.0.254:80", count: 4 }\n  - { name: top, address: "10.0.255.250:80", count: 6 }'));
    expect(plan.destinations.map((d) => d.address)).toEqual([
      '10.0.0.254:80', '10.0.0.255:80', '10.0.1.0:80', '10.0.1.1:80',
      '10.0.255.250:80', '10.0.255.251:80', '10.0.255.252:80', '10.0.255.253:80', '10.0.255.254:80', '10.0.255.255:80',
    ]);
  });

  test('count: 1 is a group of one (any address form)', () => {
    const plan = planOf(scenario('  - { name: s, address: "[2001:db8::1]:443", count: 1 }'));
    expect(plan.destinations).toEqual([{ name: 's#1', address: '[2001:db8::1]:443', weight: 1 }]);
  });

  test('bad groups: count < 1, not a whole number, address not IPv4 with count > 1, overflow past .255.255', () => {
    expect(messageOf(() => planOf(scenario('  - { name: api, address: "10.0.1.1:80", count: 0 }')))).toBe(
      't.yaml:5:49: destinations[0].count: must be >= 1, got 0 (number)',
    );
    expect(messageOf(() => planOf(scenario('  - { name: api, address: "10.0.1.1:80", count: 2.5 }')))).toMatch(
      /^t\.yaml:5:49: destinations\[0\]\.count: /,
    );
    expect(messageOf(() => planOf(scenario('  - { name: api, address: "api.internal:80", count: 3 }')))).toBe(
      't.yaml:5:27: destinations[0].address: must be an IPv4 address with a port (e.g. 10.0.1.1:8080) when count is more than 1, got "api.internal:80": member addresses count up from it',
    );
    expect(messageOf(() => planOf(scenario('  - { name: api, address: "[2001:db8::1]:80", count: 2 }')))).toBe(
      't.yaml:5:27: destinations[0].address: must be an IPv4 address with a port (e.g. 10.0.1.1:8080) when count is more than 1, got "[2001:db8::1]:80": member addresses count up from it',
    );
    expect(messageOf(() => planOf(scenario('  - { name: api, address: "10.0.255.250:80", count: 7 }')))).toBe(
      't.yaml:5:53: destinations[0].count: 7 addresses from 10.0.255.250 go past 10.0.255.255: a group may change only the last two octets, so at most 6 fit',
    );
  });

  test('a group member cannot be named in a workload (only the group)', () => {
    expect(messageOf(() => planOf(scenario('  - { name: api, address: "10.0.1.1:80", count: 2 }', '    destinations: ["api#1"]')))).toBe(
      't.yaml:10:20: workloads[0].destinations[0]: no destination is named "api#1". Did you mean "api"? Destinations: api',
    );
  });
});

describe('selection: zipf', () => {
  const dests = Array.from({ length: 5 }, (_, i) => `  - { name: d${i + 1}, address: "10.0.0.${i + 1}:80" }`).join('\n');

  test('weights are 1/k^s by rank in the workload list (default s = 1), drawn at random', () => {
    const w = planOf(scenario(dests, '    selection: zipf')).workloads[0]!;
    expect(w.selection).toBe('random');
    expect(w.weights).toEqual([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
    const s2 = planOf(scenario(dests, '    selection: zipf\n    zipfExponent: 2\n    destinations: [d3, d1, d2]')).workloads[0]!;
    expect(s2.destinations).toEqual([2, 0, 1]);
    expect(s2.weights).toEqual([1, 1 / 4, 1 / 9]);
  });

  test('explicit weights are multiplied in; groups count one rank per member', () => {
    const w = planOf(scenario('  - { name: a, address: "10.0.0.1:80", weight: 3 }\n  - { name: g, address: "10.0.1.1:80", count: 2 }', '    selection: zipf')).workloads[0]!;
    expect(w.weights).toEqual([3, 1 / 2, 1 / 3]);
  });

  test.each([1, 0.8, 1.5])('shares over many picks match 1/k^s normalised (s = %p)', (s) => {
    const n = 20;
    const many = Array.from({ length: n }, (_, i) => `  - { name: d${i + 1}, address: "10.0.0.${i + 1}:80" }`).join('\n');
    const w = planOf(scenario(many, `    selection: zipf\n    zipfExponent: ${s}`)).workloads[0]!;
    const picker = new DestinationPicker(w.destinations, w.weights, w.selection);
    const rng = new RandomStream('zipf', `test/topology/zipf/${s}`);
    const picks = 200_000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < picks; i++) counts[picker.next(rng)]!++;
    const h = Array.from({ length: n }, (_, k) => 1 / Math.pow(k + 1, s)).reduce((a, b) => a + b, 0);
    counts.forEach((c, k) => {
      const p = 1 / Math.pow(k + 1, s) / h;
      // 5 standard errors of a binomial share
      expect(Math.abs(c / picks - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / picks));
    });
  });

  test('zipfExponent = 0 is uniform; zipfExponent without selection: zipf is refused; negative is refused', () => {
    expect(planOf(scenario(dests, '    selection: zipf\n    zipfExponent: 0')).workloads[0]!.weights).toEqual([1, 1, 1, 1, 1]);
    expect(messageOf(() => planOf(scenario(dests, '    zipfExponent: 1.2')))).toBe(
      't.yaml:14:19: workloads[0].zipfExponent: applies to selection: zipf only, got selection: round-robin',
    );
    expect(messageOf(() => planOf(scenario(dests, '    selection: zipf\n    zipfExponent: -1')))).toBe(
      't.yaml:15:19: workloads[0].zipfExponent: must be >= 0, got -1 (number)',
    );
  });
});
