import type { GatewayParamName, GatewayPresetName } from './presets';

/**
 * UDP through a gateway, the rules the kernel (../kernel/nat-layout.ts, ../kernel/assembly/nat.ts)
 * and the analytic figures (../stats/gateway-loads.ts) share (./presets.ts `udp` has their
 * sources): which destinations share a UDP key, and how long a flow's port is held after it.
 */

type Params = Partial<Record<GatewayParamName, number>>;

/** The IP of an `ip:port` address (`[v6]:port` keeps its brackets). */
const ipOf = (address: string): string => address.slice(0, address.lastIndexOf(':'));

/**
 * Per destination (`ip:port` addresses, in plan order) the index of its UDP key among the
 * gateway's: Azure LB keys UDP by destination IP only, so destinations that differ only by port
 * share one; the other presets key it per destination (IP and port), as TCP.
 */
export function udpKeySlots(preset: GatewayPresetName, addresses: readonly string[]): number[] {
  if (preset !== 'azure-lb') return addresses.map((_, d) => d);
  const ips = [...new Set(addresses.map(ipOf))];
  return addresses.map((a) => ips.indexOf(ipOf(a)));
}

/**
 * Ticks the gateway keeps a UDP flow's port after its last datagram (the flow lasting `flow`
 * ticks): the idle timeout (Linux conntrack: the stream timeout for a flow longer than
 * udpStreamAfter), then the hold before the same destination again (Azure NAT Gateway).
 */
export function udpHoldAfter(p: Params, flow: number): number {
  const idle = p.udpIdleTimeout ?? 0;
  const timeout = p.udpStreamAfter !== undefined && flow > p.udpStreamAfter ? p.udpStreamTimeout ?? idle : idle;
  return timeout + (p.udpHold ?? 0);
}

/** The longest a gateway holds a port after a connection or flow ends (ticks): its FIN hold, or a UDP flow's (0 for a gateway without UDP). */
export function longestHold(p: Params): number {
  const udp = p.udpIdleTimeout === undefined ? 0 : Math.max(p.udpIdleTimeout, p.udpStreamTimeout ?? 0) + (p.udpHold ?? 0);
  return Math.max(p.finHold ?? 0, udp);
}
