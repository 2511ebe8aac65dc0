/**
 * The ports of one pool (one source IP, and one destination where the profile shares ports
 * across destinations): who holds each port, and a bitset of free ports.
 *
 * Indexes are offsets from the first port of the range. Free ports are kept in a two-level
 * bitset (one bit per port, one summary bit per non-empty 32-bit word), so "no free port" is
 * one comparison and "first free port at or after i, wrapping" is a few count-trailing-zeros
 * steps instead of a port-by-port probe. Reserved ports are never free.
 */
export const FREE = 0;
export const ESTABLISHED = 1;
export const TIME_WAIT = 2;
export const RESERVED = 3;

/** Index of the lowest set bit of a non-zero 32-bit word. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

export class PortPool {
  /** Number of ports in the range (reserved included). */
  readonly size: number;
  /** Ports automatic assignment may use. */
  readonly capacity: number;
  free: number;
  established = 0;
  timeWait = 0;
  /** Next index for counter-based allocators. */
  cursor = 0;
  /**
   * 32-bit identity of the pool's (source address, destination address, destination port), for
   * hash-based allocators; 0 for a pool shared by every destination. Set by its owner.
   */
  flow = 0;
  /** FREE | ESTABLISHED | TIME_WAIT | RESERVED per port. */
  readonly state: Uint8Array;
  /** Time each port was last released, in ticks; -1 while never used. */
  readonly releasedAt: Float64Array;
  private readonly words: Int32Array;
  private readonly summary: Int32Array;

  /** `reserved` are offsets into the range. */
  constructor(size: number, reserved: readonly number[] = []) {
    this.size = size;
    this.state = new Uint8Array(size);
    this.releasedAt = new Float64Array(size).fill(-1);
    const nWords = (size + 31) >>> 5;
    this.words = new Int32Array(nWords);
    this.summary = new Int32Array((nWords + 31) >>> 5);
    for (const r of reserved) this.state[r] = RESERVED;
    let free = 0;
    for (let i = 0; i < size; i++) {
      if (this.state[i] === FREE) {
        this.setFree(i);
        free++;
      }
    }
    this.free = free;
    this.capacity = free;
  }

  /** Ports held (established or TIME_WAIT). */
  get inUse(): number {
    return this.capacity - this.free;
  }

  isFree(i: number): boolean {
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  /** First free index at or after `from`, wrapping; -1 if the pool is full. */
  findFreeFrom(from: number): number {
    if (this.free === 0) return -1;
    const words = this.words, summary = this.summary;
    let w = from >>> 5;
    const m = words[w]! & (-1 << (from & 31));
    if (m !== 0) return (w << 5) | ctz(m);
    const nWords = words.length;
    w++;
    for (;;) {
      if (w >= nWords) w = 0;
      const j = w >>> 5;
      const mm = summary[j]! & (-1 << (w & 31));
      if (mm !== 0) {
        const ww = (j << 5) | ctz(mm);
        return (ww << 5) | ctz(words[ww]!);
      }
      w = (j + 1) << 5;
    }
  }

  /** Marks a free port ESTABLISHED. */
  take(i: number): void {
    this.setBusy(i);
    this.state[i] = ESTABLISHED;
    this.free--;
    this.established++;
  }

  /** ESTABLISHED → TIME_WAIT. */
  enterTimeWait(i: number): void {
    this.state[i] = TIME_WAIT;
    this.established--;
    this.timeWait++;
  }

  /** ESTABLISHED or TIME_WAIT → FREE, at time `now`. */
  release(i: number, now: number): void {
    if (this.state[i] === TIME_WAIT) this.timeWait--;
    else this.established--;
    this.state[i] = FREE;
    this.releasedAt[i] = now;
    this.setFree(i);
    this.free++;
  }

  private setFree(i: number): void {
    const w = i >>> 5;
    this.words[w]! |= 1 << (i & 31);
    this.summary[w >>> 5]! |= 1 << (w & 31);
  }

  private setBusy(i: number): void {
    const w = i >>> 5;
    const v = this.words[w]! & ~(1 << (i & 31));
    this.words[w] = v;
    if (v === 0) this.summary[w >>> 5]! &= ~(1 << (w & 31));
  }
}
