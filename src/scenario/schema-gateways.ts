import { z } from 'zod';
import { GATEWAY_PRESET_NAMES, type GatewayPresetName, isGatewayPreset } from '../nat/presets';
import { describeValue, didYouMean } from './issues';
import { duration, jsonKind, name, rate } from './schema-values';

/**
 * The scenario's NAT layer (scenarios/README.md, `### gateways`): top-level `gateways`, each a
 * preset with public IPs and overrides of the preset's parameters (../nat/presets.ts), and the
 * fields a host uses to sit behind one: `via`, `instances`, `ratePer`. Which parameters a preset
 * has, and the vendors' limits on them, are checked in ./rules-gateways.ts.
 */

/** A gateway preset name, with the closest suggested when unknown. */
const gatewayPreset = jsonKind('gatewayPreset', z.unknown().transform((v, ctx): GatewayPresetName => {
  if (isGatewayPreset(v)) return v;
  const hint = typeof v === 'string' ? didYouMean(v, GATEWAY_PRESET_NAMES) : '';
  ctx.addIssue({
    code: 'custom',
    message: v === undefined
      ? `is required: a gateway preset, one of ${GATEWAY_PRESET_NAMES.join(', ')}`
      : `unknown gateway preset ${describeValue(v)}.${hint} Gateway presets: ${GATEWAY_PRESET_NAMES.join(', ')} ("portsim profiles" lists them with their sources)`,
  });
  return z.NEVER;
}));

/** A count of addresses from 1 to `max`, or the addresses themselves (distinct, non-empty). */
export function countOrAddresses(kind: string, max: number) {
  return jsonKind(kind, z.unknown().transform((v, ctx): number | string[] => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max) return v;
    if (Array.isArray(v) && v.length >= 1 && v.every((s) => typeof s === 'string' && s.trim() !== '')) {
      if (new Set(v).size === v.length) return v as string[];
      ctx.addIssue({ code: 'custom', message: 'must not list the same address twice' });
      return z.NEVER;
    }
    ctx.addIssue({ code: 'custom', message: `must be a count from 1 to ${max} or a list of addresses, got ${describeValue(v)}` });
    return z.NEVER;
  }));
}

export const MAX_GATEWAY_IPS = 1024;
const count = z.int().min(0).max(1_000_000);

export const gatewaySchema = z.strictObject({
  name,
  preset: gatewayPreset,
  ips: countOrAddresses('gatewayIps', MAX_GATEWAY_IPS).optional(),
  // Overrides of the preset's parameters (../nat/presets.ts); rules-gateways.ts refuses one the preset does not have.
  maxIps: z.int().min(1).max(MAX_GATEWAY_IPS).optional(),
  portsPerIp: z.int().min(1).max(65536).optional(),
  perDestinationCap: count.optional(),
  allocatedOutboundPorts: count.optional(),
  defaultPortsCap: count.optional(),
  minPortsPerVm: z.int().min(1).max(65536).optional(),
  maxPortsPerVm: z.int().min(0).max(65536).optional(),
  finHold: duration().optional(),
  rstHold: duration().optional(),
  synTimeout: duration({ positive: true }).optional(),
  idleTimeout: duration().optional(),
  udpIdleTimeout: duration().optional(),
  udpHold: duration().optional(),
  udpStreamTimeout: duration().optional(),
  udpStreamAfter: duration().optional(),
  endpointIndependentMapping: z.boolean().optional(),
});

export const MAX_INSTANCES = 10_000;

/** A host's fields for a fleet behind a gateway. */
export const hostFleetFields = {
  /** The gateway the host's connections leave through (a name in `gateways`). */
  via: z.string().optional(),
  /** Identical VMs, each with its own OS pools. */
  instances: z.int().min(1).max(MAX_INSTANCES).optional(),
  /** Whether a workload's rate on this host is each instance's or the fleet's in total. */
  ratePer: z.enum(['instance', 'total']).optional(),
};

export type GatewayInput = z.output<typeof gatewaySchema>;

/**
 * A change during the run (top-level `events`; ./rules-events.ts checks the names and times):
 * at `at`, one action — a fleet scaled to `instances`, public IPs added to a gateway, a GCP
 * gateway's port allocation changed (`configure`: every VM back to the minimum), or a rate
 * step (a workload's rate set `to` a rate, or a workload's or every workload of a host's rate
 * multiplied by `factor`; ./rate-steps.ts compiles it into the workload's rate curve).
 */
export const eventSchema = z.strictObject({
  at: duration(),
  scale: z.strictObject({ host: z.string(), instances: z.int().min(1).max(MAX_INSTANCES) }).optional(),
  addIps: z.strictObject({ gateway: z.string(), ips: countOrAddresses('gatewayIps', MAX_GATEWAY_IPS) }).optional(),
  configure: z.strictObject({
    gateway: z.string(),
    minPortsPerVm: z.int().min(1).max(65536).optional(),
    maxPortsPerVm: z.int().min(0).max(65536).optional(),
  }).optional(),
  rate: z.strictObject({
    workload: z.string().optional(),
    host: z.string().optional(),
    to: rate.optional(),
    factor: z.number().positive().max(1e6).optional(),
  }).optional(),
});

export type EventInput = z.output<typeof eventSchema>;
