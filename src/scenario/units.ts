/**
 * Durations and rates as written in scenario files: always with a unit.
 *
 * Durations: a number and a unit, optionally several (`250ms`, `60s`, `2m`, `1h`, `1m30s`,
 * `1.5s`); units us/µs, ms, s, m/min, h, d. Converted to integer microseconds exactly (the
 * decimal digits are scaled as integers, so `0.1s` is 100000 µs, not 100000.00000000001).
 * Rates: a count per unit of time (`460/s`, `1200/m`, `30000/h`, `5/100ms`), converted to per
 * second.
 *
 * why not a duration library: the candidates return floating-point milliseconds and accept
 * unit-less numbers; we need exact ticks, a mandatory unit, and the same grammar inside rates.
 */
const UNIT_TICKS: Readonly<Record<string, number>> = {
  us: 1, 'µs': 1, ms: 1_000, s: 1_000_000, m: 60_000_000, min: 60_000_000, h: 3_600_000_000, d: 86_400_000_000,
};

export const DURATION_EXAMPLES = '250ms, 60s, 2m, 1h';

/**
 * Upper limits of what a scenario may ask for. why: a simulation's cost grows with them, and
 * beyond these the figures mean nothing for a port pool (a year of simulated time, ten million
 * new connections a second on one workload); the work estimate (./estimate.ts) bounds the rest.
 */
export const MAX_DURATION_TICKS = 366 * 86_400_000_000;
export const MAX_DURATION_TEXT = '366d';
export const MAX_RATE_PER_S = 10_000_000;
export const MAX_RATE_TEXT = '10000000/s';
export const RATE_EXAMPLES = '460/s, 1200/m';

// A string, not a regex literal, so that the bundle stays ASCII (esbuild escapes µ in strings only; see ../cli/main.ts).
const PART = new RegExp('(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(us|µs|ms|s|min|m|h|d)', 'y');

/**
 * The same grammars as regular expressions for the JSON Schema of scenario files (see
 * ./json-schema.ts; test/scenario/json-schema.test.ts checks them against the parsers). They
 * cannot say "> 0": the loader does.
 */
export const DURATION_PATTERN = `^\\s*(?:${PART.source} *)+\\s*$`;
export const RATE_PATTERN = `^\\s*(?:\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|\\.\\d+)\\s*\\/\\s*(?:(?:${PART.source} *)+|us|µs|ms|s|min|m|h|d)\\s*$`;

/** Exact ticks of "<decimal> <unit>": digits scaled as integers, rounded to the microsecond. */
function partTicks(num: string, unit: string): number {
  const scale = UNIT_TICKS[unit]!;
  const [int = '0', frac = ''] = num.split('.');
  const digits = Number(int + frac);
  return Math.round((digits * scale) / 10 ** frac.length);
}

/**
 * Ticks of a duration string, or undefined when it is not one. A duration too long to count in
 * whole microseconds exactly (beyond 2^53 µs, about 285 years) is returned as Infinity, so
 * callers can say "too long" rather than "not a duration".
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (m === null) return undefined;
    total += partTicks(m[1]!, m[2]!);
    pos = PART.lastIndex;
    while (s[pos] === ' ') pos++;
  }
  return Number.isSafeInteger(total) ? total : Infinity;
}

/** Events per second of a rate string like "460/s", or undefined when it is not one. */
export function parseRate(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)\s*\/\s*(.+?)\s*$/i.exec(text);
  if (m === null) return undefined;
  const count = Number(m[1]);
  let per = m[2]!;
  if (/^[a-z\u00b5]+$/.test(per)) per = `1${per}`; // "/s" means "/1s"
  const ticks = parseDuration(per);
  if (ticks === undefined || ticks === 0 || !Number.isFinite(ticks) || !Number.isFinite(count)) return undefined;
  return (count * 1_000_000) / ticks;
}

/** Unit words people write instead of the unit symbols. */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  usec: 'us', usecs: 'us', microsecond: 'us', microseconds: 'us',
  msec: 'ms', msecs: 'ms', millisecond: 'ms', milliseconds: 'ms',
  sec: 's', secs: 's', second: 's', seconds: 's',
  mins: 'm', minute: 'm', minutes: 'm',
  hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  day: 'd', days: 'd',
};

/** A not-quite duration with the units fixed ("10 sec" → "10s", "2 Minutes" → "2m"), if that is all it lacks. */
export function suggestDuration(text: string): string | undefined {
  // A bare number (from the command line, where every value is a string): seconds, as in YAML.
  if (/^\s*(\d+(\.\d+)?|\.\d+)\s*$/.test(text)) return `${text.trim()}s`;
  const fixed = text.trim().replace(/(\d)\s*([a-z\u00b5]+)/gi, (_m, d: string, u: string) => d + (UNIT_WORDS[u.toLowerCase()] ?? u.toLowerCase()));
  return fixed !== text && parseDuration(fixed) !== undefined ? fixed : undefined;
}

/** A not-quite rate with the unit fixed ("100/sec" → "100/s", "5 per minute" → "5/m"), if that is all it lacks. */
export function suggestRate(text: string): string | undefined {
  if (/^\s*(\d+(\.\d+)?|\.\d+)\s*$/.test(text) && Number(text) > 0) return `${text.trim()}/s`;
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:\/|per\b)\s*(.+?)\s*$/i.exec(text);
  if (m === null) return undefined;
  const per = m[2]!;
  const unit = /^[a-z\u00b5]+$/i.test(per) ? UNIT_WORDS[per.toLowerCase()] ?? per.toLowerCase() : suggestDuration(per) ?? per;
  const fixed = `${m[1]}/${unit}`;
  return fixed !== text && parseRate(fixed) !== undefined ? fixed : undefined;
}

/** A rate for messages, with up to 6 significant digits and never rounded to 0: "200/s", "1e-300/s". */
export function formatRate(perSecond: number): string {
  return `${Number(perSecond.toPrecision(6))}/s`;
}

/** Formats ticks as a short duration for messages and tables ("1m30s", "250ms", "4m0.2s"). */
export function formatDuration(ticks: number): string {
  if (ticks === 0) return '0s';
  if (ticks < 1_000_000) return ticks % 1000 === 0 ? `${ticks / 1000}ms` : `${ticks}us`;
  const h = Math.floor(ticks / 3_600_000_000);
  const m = Math.floor((ticks % 3_600_000_000) / 60_000_000);
  const s = (ticks % 60_000_000) / 1_000_000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
