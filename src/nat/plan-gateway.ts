import type { GatewayParamName, GatewayPresetName } from './presets';

/** A gateway as the plan holds it: every number resolved, every assumption named. */
export interface PlanGateway {
  name: string;
  preset: GatewayPresetName;
  /** Public IPs (as written, or generated as `<gateway>#<n>`). */
  ips: string[];
  /** Every parameter of the preset, overrides applied (durations in ticks). */
  params: Partial<Record<GatewayParamName, number>>;
  /** Instances behind the gateway (Azure LB's backend pool size). */
  instances: number;
  /** Ports of one pool for one destination (../nat/arithmetic.ts poolCapacity). */
  capacity: number;
  /** A pool per instance (Azure LB, GCP: preallocated blocks) or one for the whole gateway. */
  perInstance: boolean;
  /**
   * For presets that give a pool only to the first instances (GCP: ⌊IPs × 64,512 / minPortsPerVm⌋
   * VMs): how many instances get one; the others get no port at all. Infinity: every instance.
   */
  servedInstances: number;
  /** What no source documents and the run assumes: parameters not overridden, then behaviour. */
  assumptions: string[];
  /** The gateway after each change during the run (`events`) that concerns it, in time order (absent: none). */
  steps?: GatewayStep[];
}

/**
 * A gateway from time `t` on: instances behind it, public IPs, and the capacity and served
 * instances they give. `reset`: a configuration change (GCP `configure`) that sets every VM back
 * to the minimum (`capacity`); `maxPortsPerVm`: GCP's dynamic allocation maximum from then on.
 */
export interface GatewayStep { t: number; instances: number; ips: number; capacity: number; servedInstances: number; reset?: boolean; maxPortsPerVm?: number }

