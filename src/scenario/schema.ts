import { z } from 'zod';
import { ALLOCATOR_NAMES } from '../os/allocators';
import { PRESET_NAMES } from '../os/presets';
import { CLOSER_NAMES } from '../workload/closer';
import { describeValue, didYouMean } from './issues';
import { DURATION_EXAMPLES, RATE_EXAMPLES, parseDuration, parseRate, suggestDuration, suggestRate } from './units';

/**
 * The shape of a scenario file (the contract users write against; documented field by field in
 * scenarios/README.md). Every object is strict: an unknown key is an error. Durations and rates
 * are strings with units, converted to ticks and per-second rates here; cross-field checks
 * (names that must exist, ranges that must not be inverted…) are in rules.ts.
 */

/** A duration string, converted to integer ticks. */
function duration(opts: { positive?: boolean } = {}) {
  return z.unknown().transform((v, ctx): number => {
    if (typeof v === 'string') {
      const t = parseDuration(v);
      if (t !== undefined) {
        if (opts.positive === true && t === 0) {
          ctx.addIssue({ code: 'custom', message: `must be longer than 0, got ${describeValue(v)}` });
          return z.NEVER;
        }
        return t;
      }
      if (/^\s*-/.test(v) && parseDuration(v.replace('-', '')) !== undefined) {
        ctx.addIssue({ code: 'custom', message: `must be ${opts.positive === true ? 'longer than 0' : '0 or longer'}, got ${describeValue(v)}` });
        return z.NEVER;
      }
    }
    const fix = typeof v === 'number' ? (v > 0 || (v === 0 && opts.positive !== true) ? `${v}s` : undefined) : typeof v === 'string' ? suggestDuration(v) : undefined;
    ctx.addIssue({
      code: 'custom',
      message: v === undefined
        ? `is required: a duration with a unit (${DURATION_EXAMPLES})`
        : `must be a duration with a unit (${DURATION_EXAMPLES}), got ${describeValue(v)}${fix === undefined ? '' : `. Did you mean "${fix}"?`}`,
    });
    return z.NEVER;
  });
}

/** A rate string, converted to events per second (> 0). */
const rate = z.unknown().transform((v, ctx): number => {
  const r = typeof v === 'string' ? parseRate(v) : undefined;
  if (r !== undefined && r > 0) return r;
  if (r === 0 || (typeof v === 'string' && /^\s*-/.test(v) && parseRate(v.replace('-', '')) !== undefined)) {
    ctx.addIssue({ code: 'custom', message: `must be greater than 0, got ${describeValue(v)}` });
    return z.NEVER;
  }
  const fix = typeof v === 'number' ? (v > 0 ? `${v}/s` : undefined) : typeof v === 'string' ? suggestRate(v) : undefined;
  ctx.addIssue({
    code: 'custom',
    message: v === undefined
      ? `is required: a rate with a unit (${RATE_EXAMPLES})`
      : `must be a rate with a unit (${RATE_EXAMPLES}), got ${describeValue(v)}${fix === undefined ? '' : `. Did you mean "${fix}"?`}`,
  });
  return z.NEVER;
});

const port = z.int().min(1).max(65535);
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a name of letters, digits, ".", "_" or "-" (no spaces)');

/** A reserved-port entry: a port number or an inclusive range "a-b". */
const reservedEntry = z.unknown().transform((v, ctx): [number, number] => {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (typeof v === 'number' && ok(v)) return [v, v];
  if (typeof v === 'string') {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v);
    if (m) {
      const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
      if (ok(a) && ok(b) && a <= b) return [a, b];
    }
  }
  ctx.addIssue({ code: 'custom', message: `must be a port (1-65535) or a range "first-last", got ${describeValue(v)}` });
  return z.NEVER;
});

const profileFields = {
  preset: z.enum(PRESET_NAMES as [string, ...string[]]),
  label: name.optional(),
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
export const profileSchema = z.preprocess((v) => (typeof v === 'string' ? { preset: v } : v), z.strictObject(profileFields));

/** A connection duration: a fixed duration (`1s`) or `{dist, …}`. A bare number is passed on as a fixed duration too, to be refused with a "did you mean 5s". */
const distribution = z.preprocess(
  (v) => (typeof v === 'string' || typeof v === 'number' ? { dist: 'constant', value: v } : v),
  z.discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('constant'), value: duration() }),
    z.strictObject({ dist: z.literal('uniform'), min: duration(), max: duration() }),
    z.strictObject({ dist: z.literal('exponential'), mean: duration({ positive: true }) }),
    z.strictObject({ dist: z.literal('lognormal'), median: duration({ positive: true }), p99: duration({ positive: true }) }),
  ]),
);

/** `client`, `server`, `reset`, or a mix such as {client: 0.7, server: 0.2, reset: 0.1}. */
const closedBy = z.unknown().transform((v, ctx): Record<(typeof CLOSER_NAMES)[number], number> => {
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
});

/** Number of source addresses, or the addresses themselves. */
const sourceIps = z.unknown().transform((v, ctx): number | string[] => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1024) return v;
  if (Array.isArray(v) && v.length >= 1 && v.every((s) => typeof s === 'string' && s.trim() !== '')) {
    if (new Set(v).size === v.length) return v as string[];
    ctx.addIssue({ code: 'custom', message: 'must not list the same address twice' });
    return z.NEVER;
  }
  ctx.addIssue({ code: 'custom', message: `must be a count from 1 to 1024 or a list of addresses, got ${describeValue(v)}` });
  return z.NEVER;
});

const host = z.strictObject({
  name,
  profile: profileSchema,
  sourceIps: sourceIps.optional(),
});

const destination = z.strictObject({
  name,
  address: z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/, 'must be "ip:port" (e.g. 10.0.0.1:443, [2001:db8::1]:443, db.internal:5432)'),
  weight: z.number().positive().optional(),
});

const arrivals = z.strictObject({
  type: z.enum(['constant', 'poisson']),
  rate,
  start: duration().optional(),
  stop: duration().optional(),
});

const workload = z.strictObject({
  name,
  host: z.string().optional(),
  destinations: z.array(z.string()).min(1).optional(),
  selection: z.enum(['round-robin', 'random']).optional(),
  arrivals,
  connection: z.strictObject({
    duration: distribution,
    closedBy: closedBy.optional(),
    protocol: z.enum(['tcp', 'udp']).optional(),
    bind: z.enum(['none', 'any-port', 'no-port']).optional(),
    reuseAddr: z.boolean().optional(),
    idleTimeout: duration().optional(),
  }),
});

/** A compared variant: a profile for every host, and optionally how TCP workloads bind (bind(0) vs IP_BIND_ADDRESS_NO_PORT). */
export const compareEntry = z.preprocess(
  (v) => (typeof v === 'string' ? { preset: v } : v),
  z.strictObject({ ...profileFields, bind: z.enum(['none', 'any-port', 'no-port']).optional() }),
);

export const scenarioSchema = z.strictObject({
  name,
  description: z.string().optional(),
  seed: z.int().min(0).max(2 ** 32 - 1).optional(),
  replications: z.int().min(1).max(10000).optional(),
  duration: duration({ positive: true }),
  sample: duration({ positive: true }).optional(),
  warmup: duration().optional(),
  hosts: z.array(host).min(1),
  destinations: z.array(destination).min(1),
  workloads: z.array(workload).min(1),
  compare: z.array(compareEntry).min(1).optional(),
});

export type ScenarioInput = z.output<typeof scenarioSchema>;
export type ProfileInput = z.output<typeof profileSchema>;
