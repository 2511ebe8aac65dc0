/**
 * murmur3's 32-bit building blocks (Austin Appleby, public domain), for the keyed hashes of the
 * hash-based allocators (linux.ts, rfc6056.ts). Only their statistics matter here: well mixed,
 * cheap, no allocation; not cryptographic.
 */
const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593;

export function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** murmur3's per-word scramble. */
export function scramble(k: number): number {
  return Math.imul(rotl(Math.imul(k, C1), 15), C2);
}

/** murmur3's finalizer: every input bit affects every output bit. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
