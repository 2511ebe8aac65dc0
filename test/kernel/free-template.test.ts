import fc from 'fast-check';
import { freeTemplate } from '../../src/kernel/kernel-layout';

/**
 * A fresh pool's free bits (src/kernel/kernel-layout.ts freeTemplate), written a word at a time,
 * against their definition port by port: port i's bit set unless reserved, and in the even-port
 * (odd-port) summary, bit w set when word w holds a free even (odd) port.
 */
function byPort(size: number, reserved: readonly number[]): { bits: number[]; free: number } {
  const nWords = (size + 31) >>> 5, nSums = (nWords + 31) >>> 5;
  const bits = new Int32Array(nWords + 2 * nSums);
  let free = 0;
  for (let i = 0; i < size; i++) {
    if (reserved.includes(i)) continue;
    free++;
    bits[i >>> 5]! |= 1 << (i & 31);
    bits[nWords + (i & 1) * nSums + (i >>> 10)]! |= 1 << ((i >>> 5) & 31);
  }
  return { bits: Array.from(bits), free };
}

test('the template is the port-by-port definition, for any range size and reserved ports (repeated, outside the range)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.array(fc.integer({ min: -3, max: 5003 }), { maxLength: 60 }), (size, reserved) => {
    const t = freeTemplate(size, reserved);
    expect({ bits: Array.from(t.bits), free: t.free }).toEqual(byPort(size, reserved));
  }), { numRuns: 300 });
});

test('a Linux range, whole words reserved: their summary bits clear', () => {
  const size = 60999 - 32768 + 1;
  const reserved = Array.from({ length: 64 }, (_, k) => 64 + k); // words 2 and 3
  const t = freeTemplate(size, reserved);
  expect({ bits: Array.from(t.bits), free: t.free }).toEqual(byPort(size, reserved));
  expect(t.free).toBe(size - 64);
});
