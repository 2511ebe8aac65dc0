import type { PlanDestination } from '../sim/plan';

/**
 * Destination groups and Zipf skew (documented in scenarios/README.md).
 *
 * Groups: a destination entry with `count: n` stands for n destinations named `<name>#1` …
 * `<name>#n` — exactly as if they were written one by one — each with the entry's `weight`
 * (so the group as a whole gets n × weight). Member k's address is `address` + (k − 1): the
 * IPv4 address taken as a 32-bit number, incremented, so the last octet carries into the third
 * (10.0.0.255 → 10.0.1.0); the first two octets may not change, and every member keeps the
 * port. A workload's `destinations:` names the group to mean all its members, in order.
 *
 * Zipf: with `selection: zipf` the k-th destination of the workload's expanded list (1-based)
 * gets weight `weight_k / k^s` (s = `zipfExponent`, default 1), and destinations are drawn
 * independently by weight (as `random`).
 */

export const DEFAULT_ZIPF_EXPONENT = 1;

/** `a.b.c.d` → 32-bit number, or undefined when not a dotted-quad IPv4 address. */
export function parseIPv4(host: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (m === null) return undefined;
  const o = m.slice(1, 5).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! * 256 + o[1]!) * 256 + o[2]!) * 256 + o[3]!;
}

export function formatIPv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/** `ip:port` → [ip, port text]. */
function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), address.slice(i + 1)];
}

/** Why a group cannot be expanded (a message for `address` or `count`), or undefined when it can. */
export function groupProblem(d: { address: string; count?: number | undefined }): { field: 'address' | 'count'; message: string } | undefined {
  const count = d.count;
  if (count === undefined || count === 1) return undefined;
  const [host] = splitAddress(d.address);
  const first = parseIPv4(host);
  if (first === undefined) {
    return { field: 'address', message: `must be an IPv4 address with a port (e.g. 10.0.1.1:8080) when count is more than 1, got "${d.address}": member addresses count up from it` };
  }
  const room = 65536 - (first % 65536); // addresses from `first` up to a.b.255.255
  if (count > room) {
    const top = formatIPv4(first - (first % 65536) + 65535);
    return { field: 'count', message: `${count} addresses from ${host} go past ${top}: a group may change only the last two octets, so at most ${room} fit` };
  }
  return undefined;
}

/** The plan's destinations with groups expanded, and each entry's members (indexes into them) by name. */
export function expandDestinations(entries: readonly { name: string; address: string; weight?: number | undefined; count?: number | undefined }[], defaultWeight: number): {
  destinations: PlanDestination[];
  members: Map<string, number[]>;
} {
  const destinations: PlanDestination[] = [];
  const members = new Map<string, number[]>();
  for (const e of entries) {
    const weight = e.weight ?? defaultWeight;
    if (e.count === undefined) {
      members.set(e.name, [destinations.length]);
      destinations.push({ name: e.name, address: e.address, weight });
      continue;
    }
    const [host, port] = splitAddress(e.address);
    const first = e.count > 1 ? parseIPv4(host)! : 0;
    const ids: number[] = [];
    for (let k = 1; k <= e.count; k++) {
      ids.push(destinations.length);
      destinations.push({ name: `${e.name}#${k}`, address: e.count > 1 ? `${formatIPv4(first + k - 1)}:${port}` : e.address, weight });
    }
    members.set(e.name, ids);
  }
  return { destinations, members };
}

/** Weights times 1/k^s, k = 1, 2, … in list order. */
export function zipfWeights(weights: readonly number[], exponent: number): number[] {
  return weights.map((w, i) => w / Math.pow(i + 1, exponent));
}
