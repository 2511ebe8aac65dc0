/**
 * An event's kind and its two integer arguments packed into one double (exact below 2^53):
 * kind < 2^8, a < 2^24, b < 2^21. why: the heap then moves three numbers per level instead of
 * five, which measured about 1.5x faster sifts (bench/README.md in shared/ has the yardsticks).
 */
export const KIND_LIMIT = 2 ** 8;
export const A_LIMIT = 2 ** 24;
export const B_LIMIT = 2 ** 21;

export function pack(kind: number, a: number, b: number): number {
  return (kind * A_LIMIT + a) * B_LIMIT + b;
}

export function kindOf(p: number): number {
  return Math.floor(p / (A_LIMIT * B_LIMIT));
}

export function aOf(p: number): number {
  return Math.floor(p / B_LIMIT) % A_LIMIT;
}

export function bOf(p: number): number {
  return p % B_LIMIT;
}

/** Throws unless the arguments fit the packing. */
export function checkPayload(kind: number, a: number, b: number): void {
  if (!(kind >= 0 && kind < KIND_LIMIT && kind === (kind | 0))) throw new RangeError(`event kind must be an integer in [0, ${KIND_LIMIT}), got ${kind}`);
  if (!(a >= 0 && a < A_LIMIT && a === (a | 0))) throw new RangeError(`event argument a must be an integer in [0, ${A_LIMIT}), got ${a}`);
  if (!(b >= 0 && b < B_LIMIT && b === (b | 0))) throw new RangeError(`event argument b must be an integer in [0, ${B_LIMIT}), got ${b}`);
}
