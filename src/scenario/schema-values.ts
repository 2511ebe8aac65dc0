import { z } from 'zod';
import { describeValue } from './issues';
import { DURATION_EXAMPLES, MAX_DURATION_TEXT, MAX_DURATION_TICKS, MAX_RATE_PER_S, MAX_RATE_TEXT, RATE_EXAMPLES, parseDuration, parseRate, suggestDuration, suggestRate } from './units';

/**
 * The scalar fields of a scenario file (./schema.ts has its shape): durations and rates with
 * units, names, ports and seeds, each converted and checked with a message that says what is
 * allowed.
 */

/**
 * Names the JSON Schema of a field that zod cannot describe (a transform: it accepts what its
 * code accepts), written in ./json-schema.ts.
 */
export const JSON_KIND = 'x-portsim-kind';
export const jsonKind = <T extends z.ZodType>(kind: string, s: T): T => s.meta({ [JSON_KIND]: kind });

/** A duration string, converted to integer ticks. */
export function duration(opts: { positive?: boolean } = {}) {
  return jsonKind('duration', z.unknown().transform((v, ctx): number => {
    if (typeof v === 'string') {
      const t = parseDuration(v);
      if (t !== undefined && t > MAX_DURATION_TICKS) {
        ctx.addIssue({ code: 'custom', message: `is too long: at most ${MAX_DURATION_TEXT}, got ${describeValue(v)}` });
        return z.NEVER;
      }
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
  }));
}

/** An issue for a rate above MAX_RATE_PER_S; true if there was one. */
export function tooFast(r: number | undefined, v: unknown, ctx: z.RefinementCtx): boolean {
  if (r === undefined || r <= MAX_RATE_PER_S) return false;
  ctx.addIssue({ code: 'custom', message: `is too high: at most ${MAX_RATE_TEXT} per workload, got ${describeValue(v)}` });
  return true;
}

/** A rate string, converted to events per second (> 0). */
export const rate = jsonKind('rate', z.unknown().transform((v, ctx): number => {
  const r = typeof v === 'string' ? parseRate(v) : undefined;
  if (tooFast(r, v, ctx)) return z.NEVER;
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
}));

export const port = z.int().min(1).max(65535);
export const name = z.string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a name of letters, digits, ".", "_" or "-" (no spaces)')
  .max(100, 'must be at most 100 characters (it names the results folder)');

const MAX_SEED = 2 ** 32 - 1;
/** A seed: a whole number 0 … 2^32 − 1; one above 2^53 is named as such (it cannot be read exactly). */
export const seed = jsonKind('seed', z.unknown().transform((v, ctx): number => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SEED) return v;
  const inexact = typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) ? ' (beyond 2^53, so not even read exactly)' : '';
  ctx.addIssue({ code: 'custom', message: `must be a whole number from 0 to ${MAX_SEED}, got ${describeValue(v)}${inexact}` });
  return z.NEVER;
}));

/** A reserved-port entry: a port number or an inclusive range "a-b". */
export const reservedEntry = jsonKind('reservedPort', z.unknown().transform((v, ctx): [number, number] => {
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
}));

/** A rate string that may be 0 (`0/s`): ramp targets, base rates. */
export const rateOrZero = jsonKind('rate', z.unknown().transform((v, ctx): number => {
  const r = typeof v === 'string' ? parseRate(v) : undefined;
  if (tooFast(r, v, ctx)) return z.NEVER;
  if (r !== undefined) return r;
  const fix = typeof v === 'number' ? (v >= 0 ? `${v}/s` : undefined) : typeof v === 'string' ? suggestRate(v) : undefined;
  ctx.addIssue({
    code: 'custom',
    message: v === undefined
      ? `is required: a rate with a unit (0/s, ${RATE_EXAMPLES})`
      : `must be a rate ≥ 0 with a unit (0/s, ${RATE_EXAMPLES}), got ${describeValue(v)}${fix === undefined ? '' : `. Did you mean "${fix}"?`}`,
  });
  return z.NEVER;
}));

