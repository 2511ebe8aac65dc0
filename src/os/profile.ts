import type { Tick } from '../engine/time';

/** How ports compete: per (source IP, destination) or per source IP for every destination. */
export type Sharing = 'per-destination' | 'global';

/** Names of the port-selection algorithms (see ./allocators). */
export type AllocatorName =
  | 'sequential'
  | 'sequential-descending'
  | 'random-start'
  | 'random-pick'
  | 'hash'
  | 'double-hash'
  | 'random-increments'
  | 'linux'
  | 'linux-socket-range'
  | 'linux-bind';

/** tcp_tw_reuse: 0 never, 1 always, 2 only for loopback destinations (Linux default). */
export type TwReuse = 0 | 1 | 2;

/**
 * An OS model: everything that decides which source port a new connection gets and how long a
 * closed connection keeps it. Presets live in ./presets; a scenario may override any field.
 */
export interface Profile {
  /** Label used in reports: the preset name, or the scenario's own label. */
  name: string;
  /** Preset this profile starts from. */
  preset: string;
  /** Ephemeral range, inclusive: [first, last]. */
  portRange: [number, number];
  /** Ports inside the range that automatic assignment never picks (sorted, unique). */
  reservedPorts: number[];
  /** TIME_WAIT hold for the active closer, in ticks. */
  timeWait: Tick;
  /**
   * `per-destination`: connect() may use a port at once to different destinations (one pool
   * per source IP and destination, as Linux connect() per 4-tuple); `global`: a port serves one
   * connection at a time whatever the destination (one pool per source IP).
   */
  sharing: Sharing;
  /** Port choice for connect() on an unbound socket (and bind with IP_BIND_ADDRESS_NO_PORT). */
  allocator: AllocatorName;
  /** Port choice for bind(ip, 0) before connect(): one pool per source IP, never shared. */
  bindAllocator: AllocatorName;
  /** Reuse of a TIME_WAIT port by connect() to the same destination (tcp_tw_reuse). */
  twReuse: TwReuse;
  /** Minimum age of a TIME_WAIT before it may be reused, in ticks (tcp_tw_reuse_delay). */
  twReuseDelay: Tick;
  /** TCP timestamps negotiated (tcp_timestamps): TIME_WAIT reuse needs them. */
  timestamps: boolean;
  /** Cap on TIME_WAIT sockets per host (tcp_max_tw_buckets); past it a closing port is free at once. Infinity: no cap. */
  maxTimeWaitBuckets: number;
  /** FIN_WAIT_2 hold when the peer never closes (tcp_fin_timeout), in ticks. */
  finTimeout: Tick;
  /** Where the values come from, and what is unconfirmed: one line for the whole profile. */
  source: string;
  /**
   * Set when the profile stands for a device (a NAT gateway, a load balancer's SNAT) rather than
   * a host's OS: what it is. OS settings (sysctl, registry) are then not offered as what-ifs.
   */
  device?: string;
  /** Per field, where its value comes from (for `portsim profiles show`). */
  sources: Partial<Record<ProfileField, string>>;
}

/** The fields of a profile a scenario may set (everything but labels and sources). */
export const PROFILE_FIELDS = [
  'portRange',
  'reservedPorts',
  'timeWait',
  'sharing',
  'allocator',
  'bindAllocator',
  'twReuse',
  'twReuseDelay',
  'timestamps',
  'maxTimeWaitBuckets',
  'finTimeout',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** Ports usable by automatic assignment: the range minus reserved ports. */
export function usablePorts(p: Profile): number {
  return p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
}
