import { z } from 'zod';
import { ALLOCATOR_NAMES } from '../os/allocators';
import { BASE_PRESET_NAMES, foldPresetText as fold, PRESETS, PRESET_NAMES } from '../os/presets';
import type { Profile } from '../os/profile';
import type { DistributionSpec } from '../random/distributions';
import { CLOSER_NAMES } from '../workload/closer';
import { closest, describeValue, didYouMean } from './issues';
import { TraceFile } from './trace-file';
import { JSON_KIND, duration, jsonKind, name, port, rate, rateOrZero, reservedEntry, seed } from './schema-values';
import { countOrAddresses, eventSchema, gatewaySchema, hostFleetFields } from './schema-gateways';

export { JSON_KIND };

/**
 * The shape of a scenario file (the contract users write against; documented field by field in
 * scenarios/README.md). Every object is strict: an unknown key is an error. Durations and rates
 * are strings with units, converted to ticks and per-second rates here; cross-field checks
 * (names that must exist, ranges that must not be inverted…) are in rules.ts.
 */


/** What a preset name may be, for messages: the base presets, OS versions and profile files. */
export function presetChoices(): string {
  const versions = PRESET_NAMES.filter((n) => !BASE_PRESET_NAMES.includes(n));
  return `Presets: ${BASE_PRESET_NAMES.join(', ')}; by OS version: ${versions.join(', ')} ("portsim profiles --search WORD" finds one); or a profile file ending in .yaml or .yml`;
}

/**
 * The presets a user most likely meant by an unknown name, best first (at most four; empty when
 * nothing is close): the name as one word in presets' names ("centos" → centos6, centos7;
 * "windows-2016" → windows-server-2016), else in their sources ("rhel7" → centos7); else its
 * words (split at separators and between letters and digits) all in a name ("windows-2012" →
 * the Server 2012 presets); else the closest spelling ("linx" → linux).
 */
function suggestPresets(name: string): string[] {
  const all = Object.values(PRESETS);
  const whole = fold(name);
  const words = name.toLowerCase().split(/[\s._-]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])/).map(fold).filter((w) => w !== '');
  const tries = [
    (p: Profile) => fold(p.name).includes(whole),
    (p: Profile) => fold(p.source).includes(whole),
    (p: Profile) => words.length > 1 && words.every((w) => fold(p.name).includes(w)),
  ];
  for (const t of whole === '' ? [] : tries) {
    const found = all.filter(t).map((p) => p.name);
    if (found.length > 0) return found.slice(0, 4);
  }
  const c = closest(name, PRESET_NAMES);
  return c === undefined ? [] : [c];
}

/** " Did you mean …?" for an unknown preset name ('' when nothing is close). */
export function presetHint(name: string): string {
  const s = suggestPresets(name).map((n) => `"${n}"`);
  return s.length === 0 ? '' : s.length === 1 ? ` Did you mean ${s[0]}?` : ` Did you mean one of ${s.join(', ')}?`;
}

/** A preset name, with the closest ones suggested when unknown. */
const presetName = z.unknown().transform((v, ctx): string => {
  if (typeof v === 'string' && Object.hasOwn(PRESETS, v)) return v;
  const hint = typeof v === 'string' ? presetHint(v) : '';
  ctx.addIssue({
    code: 'custom',
    message: v === undefined ? `is required: a preset name. ${presetChoices()}` : `unknown preset ${describeValue(v)}.${hint} ${presetChoices()}`,
  });
  return z.NEVER;
});

const profileFields = {
  preset: presetName,
  label: name.optional(),
  device: z.string().min(1).optional(),
  portRange: z.tuple([port, port]).optional(),
  reservedPorts: z.array(reservedEntry).optional(),
  timeWait: duration().optional(),
  sharing: z.enum(['per-destination', 'global']).optional(),
  allocator: z.enum(ALLOCATOR_NAMES as [string, ...string[]]).optional(),
  bindAllocator: z.enum(ALLOCATOR_NAMES as [string, ...string[]]).optional(),
  twReuse: z.union([z.literal(0), z.literal(1), z.literal(2)], { error: 'must be 0 (off), 1 (on) or 2 (loopback destinations only, the Linux default)' }).optional(),
  twReuseDelay: duration().optional(),
  timestamps: z.boolean().optional(),
  maxTimeWaitBuckets: z.int().min(0).optional(),
  finTimeout: duration().optional(),
};

/** A profile: a preset name, or `{preset, …overrides}`. */
export const profileSchema = jsonKind('profile', z.preprocess((v) => (typeof v === 'string' ? { preset: v } : v), z.strictObject(profileFields)));

/** The forms of a distribution other than a mixture (a mixture's parts are these). */
const distributionForms = [
  z.strictObject({ dist: z.literal('constant'), value: duration() }),
  z.strictObject({ dist: z.literal('uniform'), min: duration(), max: duration() }),
  z.strictObject({ dist: z.literal('exponential'), mean: duration({ positive: true }) }),
  z.strictObject({ dist: z.literal('lognormal'), median: duration({ positive: true }), p99: duration({ positive: true }) }),
  z.strictObject({ dist: z.literal('pareto'), scale: duration({ positive: true }), shape: z.number().positive(), max: duration({ positive: true }).optional() }),
  // `values` (seconds) is filled in from `file` by load.ts (./durations-file.ts).
  z.strictObject({ dist: z.literal('empirical'), file: z.string().min(1), values: z.array(z.number().nonnegative()).min(1).optional() }),
] as const;

type FormOutput = z.output<(typeof distributionForms)[number]>;

/** A form as the engine takes it: pareto without an absent `max`, empirical values in ticks. */
function toSpec(d: FormOutput, ctx: z.RefinementCtx): DistributionSpec {
  if (d.dist === 'pareto') return d.max === undefined ? { dist: 'pareto', scale: d.scale, shape: d.shape } : { dist: 'pareto', scale: d.scale, shape: d.shape, max: d.max };
  if (d.dist !== 'empirical') return d;
  if (d.values === undefined) {
    ctx.addIssue({ code: 'custom', path: ['file'], message: `was not read: durations files are read when the scenario is loaded from a file` });
    return z.NEVER;
  }
  return { dist: 'empirical', file: d.file, values: d.values.map((s) => s * 1_000_000) }; // seconds → ticks
}

/** A fixed duration (`1s`), or a bare number (to be refused with a "did you mean 5s"), as `{dist: constant}`. */
const shorthand = (v: unknown): unknown => (typeof v === 'string' || typeof v === 'number' ? { dist: 'constant', value: v } : v);

/** A mixture's part: any form but a mixture. */
const partDistribution = jsonKind('distribution', z.preprocess(
  (v, ctx) => {
    if (v !== null && typeof v === 'object' && (v as { dist?: unknown }).dist === 'mixture') {
      ctx.addIssue({ code: 'custom', path: ['dist'], message: "a part cannot be a mixture itself: list its parts in this mixture instead, each weight scaled by that part's share" });
    }
    return shorthand(v);
  },
  z.discriminatedUnion('dist', [...distributionForms]),
).transform(toSpec));

/**
 * `{dist: mixture, parts: [{weight, duration}, …]}`: each draw picks a part with probability
 * weight / (sum of the weights) — weights are relative, as destinations' are, so 99 and 1 mean
 * the same as 0.99 and 0.01.
 */
const mixtureForm = z.strictObject({
  dist: z.literal('mixture'),
  parts: z.array(z.strictObject({
    weight: z.number().refine((w) => w > 0, { error: (i) => `must be > 0, got ${describeValue(i.input)}; weights are relative (99 and 1 mean the same as 0.99 and 0.01)` }),
    duration: partDistribution,
  })).refine((ps) => ps.length >= 2, { error: (i) => `a mixture needs at least two parts, got ${(i.input as unknown[]).length}; for one, write that distribution itself (e.g. parts: [{weight: 99, duration: 2ms}, {weight: 1, duration: 5s}])` }),
});

/** A connection duration: a fixed duration (`1s`) or `{dist, …}`, a mixture of those included. */
const distribution = jsonKind('distribution', z.preprocess(
  shorthand,
  z.discriminatedUnion('dist', [...distributionForms, mixtureForm]),
).transform((d, ctx): DistributionSpec => (d.dist === 'mixture' ? { dist: 'mixture', parts: d.parts } : toSpec(d, ctx))));

/** `client`, `server`, `reset`, or a mix such as {client: 0.7, server: 0.2, reset: 0.1}. */
const closedBy = jsonKind('closedBy', z.unknown().transform((v, ctx): Record<(typeof CLOSER_NAMES)[number], number> => {
  const mix = { client: 0, server: 0, reset: 0, unanswered: 0 };
  if (typeof v === 'string' && (CLOSER_NAMES as readonly string[]).includes(v)) {
    mix[v as keyof typeof mix] = 1;
    return mix;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    let bad = false;
    for (const [k, share] of Object.entries(v)) {
      if (!(CLOSER_NAMES as readonly string[]).includes(k)) {
        ctx.addIssue({ code: 'custom', path: [k], params: { code: 'unknown_key' }, message: `unknown closing side "${k}".${didYouMean(k, CLOSER_NAMES)} Allowed: ${CLOSER_NAMES.join(', ')}` });
        bad = true;
      } else if (typeof share !== 'number' || !(share >= 0 && share <= 1)) {
        ctx.addIssue({ code: 'custom', path: [k], message: `must be a share between 0 and 1, got ${describeValue(share)}` });
        bad = true;
      } else {
        mix[k as keyof typeof mix] = share;
      }
    }
    if (bad) return z.NEVER;
    const sum = mix.client + mix.server + mix.reset + mix.unanswered;
    if (Math.abs(sum - 1) > 1e-9) {
      ctx.addIssue({ code: 'custom', message: `shares must add up to 1, got ${Number(sum.toFixed(9))}` });
      return z.NEVER;
    }
    return mix;
  }
  const hint = typeof v === 'string' ? didYouMean(v, CLOSER_NAMES) : '';
  ctx.addIssue({
    code: 'custom',
    message: `must be ${CLOSER_NAMES.join(' | ')} or a mix like {client: 0.7, server: 0.3}, got ${describeValue(v)}${hint && `.${hint}`}`,
  });
  return z.NEVER;
}));

/** Number of source addresses, or the addresses themselves. */
const sourceIps = countOrAddresses('sourceIps', 1024);

const host = z.strictObject({
  name,
  profile: profileSchema,
  sourceIps: sourceIps.optional(),
  ...hostFleetFields,
});

const destination = z.strictObject({
  name,
  address: z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/, 'must be "ip:port" (e.g. 10.0.0.1:443, [2001:db8::1]:443, db.internal:5432)'),
  weight: z.number().positive().optional(),
  /** A group of `count` destinations `name#1…`, addresses counting up from `address` (see ./topology.ts). */
  count: z.int().min(1).optional(),
});

/** A trace file: load.ts reads it and puts the TraceFile in place of its name. */
const traceFile = jsonKind('traceFile', z.unknown().transform((v, ctx): TraceFile => {
  if (v instanceof TraceFile) return v;
  ctx.addIssue({
    code: 'custom',
    message: v === undefined
      ? 'is required: the path of a CSV file (header t_s, or t_s,rate_per_s), relative to the scenario file'
      : typeof v === 'string' && v.trim() !== ''
        ? `trace file ${JSON.stringify(v)} was not read: scenarios with trace files are read with loadScenario or parseScenario`
        : `must be the path of a CSV file (header t_s, or t_s,rate_per_s), got ${describeValue(v)}`,
  });
  return z.NEVER;
}));

/** Arrival kinds (documented in scenarios/README.md, `### arrivals`; built into a plan by arrivals.ts). */
const window = { start: duration().optional(), stop: duration().optional() };
const randomized = z.boolean().optional();
const arrivals = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant'), rate, ...window }),
  z.strictObject({ type: z.literal('poisson'), rate, ...window }),
  z.strictObject({ type: z.literal('constant-arrival-rate'), rate, randomized, ...window }),
  z.strictObject({
    type: z.literal('ramping-arrival-rate'),
    startRate: rateOrZero.optional(),
    stages: z.array(z.strictObject({ duration: duration(), target: rateOrZero })).min(1),
    randomized,
    ...window,
  }),
  z.strictObject({ type: z.literal('bursts'), rate, baseRate: rateOrZero.optional(), on: duration({ positive: true }), off: duration({ positive: true }), randomized, ...window }),
  z.strictObject({
    type: z.literal('diurnal'),
    rate,
    amplitude: z.number().min(0).max(1),
    period: duration({ positive: true }).optional(),
    peakAt: duration().optional(),
    randomized,
    ...window,
  }),
  z.strictObject({
    type: z.literal('trace'),
    file: traceFile,
    loop: z.boolean().optional(),
    period: duration({ positive: true }).optional(),
    interval: duration({ positive: true }).optional(),
    randomized,
    ...window,
  }),
]);

/** A whole number ≥ 1, or `unlimited`. */
const countOrUnlimited = z.union([z.int().min(1), z.literal('unlimited')], { error: 'must be a whole number ≥ 1 or "unlimited"' });
/** A whole number ≥ 0, or `unlimited`. */
const count0OrUnlimited = z.union([z.int().min(0), z.literal('unlimited')], { error: 'must be a whole number ≥ 0 or "unlimited"' });

/** Closed-loop clients: a fixed number, or stages of targets (k6 constant-vus / ramping-vus, Gatling closed model). */
const clientsSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('constant-concurrency'),
    count: z.int().min(1).max(1_000_000),
    think: distribution.optional(),
    start: duration().optional(),
    stop: duration().optional(),
  }),
  z.strictObject({
    type: z.literal('ramping-concurrency'),
    startCount: z.int().min(0).max(1_000_000).optional(),
    stages: z.array(z.strictObject({ duration: duration({ positive: true }), target: z.int().min(0).max(1_000_000) })).min(1),
    think: distribution.optional(),
    start: duration().optional(),
  }),
]);

/** A connection pool per (workload, destination): keep-alive. */
const poolSchema = z.strictObject({
  maxSize: countOrUnlimited.optional(),
  maxIdle: count0OrUnlimited.optional(),
  idleTimeout: duration({ positive: true }).optional(),
  maxRequests: countOrUnlimited.optional(),
});

/** What a failed connect() leads to. */
const retrySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(100),
  backoff: z.enum(['fixed', 'exponential']).optional(),
  base: duration().optional(),
  max: duration().optional(),
  jitter: z.enum(['none', 'full', 'equal']).optional(),
  flushPool: z.boolean().optional(),
});

const workload = z.strictObject({
  name,
  host: z.string().optional(),
  destinations: z.array(z.string()).min(1).optional(),
  selection: z.enum(['round-robin', 'random', 'zipf']).optional(),
  zipfExponent: z.number().min(0).optional(),
  arrivals: arrivals.optional(),
  connection: z.strictObject({
    duration: distribution,
    closedBy: closedBy.optional(),
    protocol: z.enum(['tcp', 'udp']).optional(),
    bind: z.enum(['none', 'any-port', 'no-port']).optional(),
    reuseAddr: z.boolean().optional(),
    idleTimeout: duration().optional(),
    connectLatency: distribution.optional(),
    connectTimeout: duration({ positive: true }).optional(),
  }),
  clients: clientsSchema.optional(),
  pool: poolSchema.optional(),
  retry: retrySchema.optional(),
});

/** A compared variant: a profile for every host, and optionally how TCP workloads bind (bind(0) vs IP_BIND_ADDRESS_NO_PORT). */
export const compareEntry = jsonKind('profile', z.preprocess(
  (v) => (typeof v === 'string' ? { preset: v } : v),
  z.strictObject({ ...profileFields, bind: z.enum(['none', 'any-port', 'no-port']).optional() }),
));

export const scenarioSchema = z.strictObject({
  name,
  description: z.string().optional(),
  seed: seed.optional(),
  replications: z.int().min(1).max(10000).optional(),
  duration: duration({ positive: true }),
  sample: duration({ positive: true }).optional(),
  warmup: duration().optional(),
  gateways: z.array(gatewaySchema).min(1).optional(),
  hosts: z.array(host).min(1),
  destinations: z.array(destination).min(1),
  workloads: z.array(workload).min(1),
  compare: z.array(compareEntry).min(1).optional(),
  events: z.array(eventSchema).min(1).optional(),
});

export type ScenarioInput = z.output<typeof scenarioSchema>;
export type ProfileInput = z.output<typeof profileSchema>;