import type { Tick } from '../engine/time';

/** How ports compete: per (source IP, destination) or per source IP for every destination. */
export type Sharing = 'per-destination' | 'global';

/** Names of the port-selection algorithms (see ./allocators). */
export type AllocatorName = 'sequential' | 'random-start' | 'linux' | 'linux-socket-range';

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
   * `per-destination`: a port may be used at once to different destinations (one pool per
   * source IP and destination, as Linux connect() per 4-tuple); `global`: a port serves one
   * connection at a time whatever the destination (one pool per source IP).
   */
  sharing: Sharing;
  allocator: AllocatorName;
  /** Where the values come from, and what is unconfirmed. */
  source: string;
}

/** Ports usable by automatic assignment: the range minus reserved ports. */
export function usablePorts(p: Profile): number {
  return p.portRange[1] - p.portRange[0] + 1 - p.reservedPorts.length;
}
