/**
 * The ports of one pool (one source IP, and one destination where the profile shares ports
 * across destinations): who holds each port, and a bitset of free ports.
 *
 * Indexes are offsets from the first port of the range. Free ports are kept in a two-level
 * bitset (one bit per port; per 32-bit word, one summary bit "has a free even index" and one
 * "has a free odd index"), so "no free port" is one comparison and "first free port at or after
 * i, wrapping" — or "… of i's parity", for the Linux step-2 scan — is a few
 * count-trailing-zeros steps instead of a port-by-port probe. Reserved ports are never free;
 * BLOCKED ports (held by a bind() user of the host) are not free while blocked; TIME_WAIT ports
 * made reusable (tcp_tw_reuse) are free, so allocators consider them in scan order.
 */
export const FREE = 0;
export const ESTABLISHED = 1;
export const TIME_WAIT = 2;
export const RESERVED = 3;
/** Free in this pool, but held by a bind() user elsewhere on the host: connect() skips it. */
export const BLOCKED = 4;

/** Bits of the even / odd indexes of a word (word boundaries are multiples of 32). */
const EVEN_BITS = 0x55555555;
const ODD_BITS = 0xaaaaaaaa | 0;

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
  /** Ports in BLOCKED. */
  blocked = 0;
  /**
   * TIME_WAIT ports connect() may take over (tcp_tw_reuse, once older than the delay): they
   * count in `timeWait` and their free bit is set, so the allocators see them as candidates in
   * their scan order, as the kernel's __inet_check_established does.
   */
  reusable = 0;
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
  /** Bit w: word w has a free even index / a free odd index. */
  private readonly summaryEven: Int32Array;
  private readonly summaryOdd: Int32Array;

  /** `reserved` are offsets into the range. */
  constructor(size: number, reserved: readonly number[] = []) {
    this.size = size;
    this.state = new Uint8Array(size);
    this.releasedAt = new Float64Array(size).fill(-1);
    const nWords = (size + 31) >>> 5;
    this.words = new Int32Array(nWords);
    this.summaryEven = new Int32Array((nWords + 31) >>> 5);
    this.summaryOdd = new Int32Array((nWords + 31) >>> 5);
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
    return this.established + this.timeWait;
  }

  isFree(i: number): boolean {
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  /** First free index at or after `from`, wrapping; -1 if the pool is full. */
  findFreeFrom(from: number): number {
    if (this.free === 0) return -1;
    const words = this.words, even = this.summaryEven, odd = this.summaryOdd;
    let w = from >>> 5;
    const m = words[w]! & (-1 << (from & 31));
    if (m !== 0) return (w << 5) | ctz(m);
    const nWords = words.length;
    w++;
    for (;;) {
      if (w >= nWords) w = 0;
      const j = w >>> 5;
      const mm = (even[j]! | odd[j]!) & (-1 << (w & 31));
      if (mm !== 0) {
        const ww = (j << 5) | ctz(mm);
        return (ww << 5) | ctz(words[ww]!);
      }
      w = (j + 1) << 5;
    }
  }

  /** First free index at or below `from`, wrapping to the top; -1 if the pool is full. */
  findFreeDownFrom(from: number): number {
    if (this.free === 0) return -1;
    const words = this.words, even = this.summaryEven, odd = this.summaryOdd;
    let w = from >>> 5;
    const sh = 31 - (from & 31);
    const m = (words[w]! << sh) >>> sh; // bits 0..from&31
    if (m !== 0) return (w << 5) | (31 - Math.clz32(m));
    const nWords = words.length;
    w--;
    for (;;) {
      if (w < 0) w = nWords - 1;
      const j = w >>> 5;
      const s2 = 31 - (w & 31);
      const mm = ((even[j]! | odd[j]!) << s2) >>> s2;
      if (mm !== 0) {
        const ww = (j << 5) | (31 - Math.clz32(mm));
        return (ww << 5) | (31 - Math.clz32(words[ww]!));
      }
      w = (j << 5) - 1;
    }
  }

  /**
   * First free index i in [from, to) with i ≡ from (mod 2), no wrapping; -1 if none. For
   * scans that step by 2 (Linux connect()): an index's parity is its bit position's, so one
   * mask per word selects that parity, and words without a free index of that parity are
   * skipped 32 at a time through that parity's summary.
   */
  findFreeWithParity(from: number, to: number): number {
    if (from >= to || this.free === 0) return -1;
    const words = this.words;
    const odd = (from & 1) === 1;
    const summary = odd ? this.summaryOdd : this.summaryEven;
    const parity = odd ? ODD_BITS : EVEN_BITS;
    const lastWord = (to - 1) >>> 5;
    let w = from >>> 5;
    let m = words[w]! & parity & (-1 << (from & 31));
    while (m === 0) {
      w++;
      for (;;) {
        if (w > lastWord) return -1;
        const s = summary[w >>> 5]! & (-1 << (w & 31));
        if (s !== 0) {
          w = (w & ~31) | ctz(s);
          break;
        }
        w = ((w >>> 5) + 1) << 5;
      }
      if (w > lastWord) return -1;
      m = words[w]! & parity;
    }
    const i = (w << 5) | ctz(m);
    return i < to ? i : -1;
  }

  /** Marks a free port ESTABLISHED; a reusable TIME_WAIT port leaves TIME_WAIT for it. */
  take(i: number): void {
    this.setBusy(i);
    if (this.state[i] === TIME_WAIT) {
      this.timeWait--;
      this.reusable--;
    }
    this.state[i] = ESTABLISHED;
    this.free--;
    this.established++;
  }

  /** A TIME_WAIT port becomes a candidate for connect() (tcp_tw_reuse). */
  makeReusable(i: number): void {
    this.setFree(i);
    this.free++;
    this.reusable++;
  }

  /** Whether port i is in TIME_WAIT and connect() may take it over. */
  isReusable(i: number): boolean {
    return this.state[i] === TIME_WAIT && this.isFree(i);
  }

  /** A free port becomes BLOCKED (a bind() user holds it); other states are left alone. */
  block(i: number): void {
    const st = this.state[i];
    if (st === FREE) {
      this.setBusy(i);
      this.state[i] = BLOCKED;
      this.free--;
      this.blocked++;
    } else if (st === TIME_WAIT && this.isFree(i)) {
      // A reusable TIME_WAIT whose bucket a bind() user now owns: no longer a candidate.
      this.setBusy(i);
      this.free--;
      this.reusable--;
    }
  }

  /** BLOCKED → FREE. */
  unblock(i: number): void {
    if (this.state[i] !== BLOCKED) return;
    this.state[i] = FREE;
    this.setFree(i);
    this.free++;
    this.blocked--;
  }

  /** ESTABLISHED → TIME_WAIT. */
  enterTimeWait(i: number): void {
    this.state[i] = TIME_WAIT;
    this.established--;
    this.timeWait++;
  }

  /** ESTABLISHED or TIME_WAIT (reusable or not) → FREE, at time `now`. */
  release(i: number, now: number): void {
    this.releasedAt[i] = now;
    if (this.state[i] === TIME_WAIT) {
      this.timeWait--;
      this.state[i] = FREE;
      if (this.isFree(i)) {
        this.reusable--;
        return;
      }
    } else {
      this.established--;
      this.state[i] = FREE;
    }
    this.setFree(i);
    this.free++;
  }

  private setFree(i: number): void {
    const w = i >>> 5;
    this.words[w]! |= 1 << (i & 31);
    (i & 1 ? this.summaryOdd : this.summaryEven)[w >>> 5]! |= 1 << (w & 31);
  }

  private setBusy(i: number): void {
    const w = i >>> 5;
    const v = this.words[w]! & ~(1 << (i & 31));
    this.words[w] = v;
    if (i & 1) {
      if ((v & ODD_BITS) === 0) this.summaryOdd[w >>> 5]! &= ~(1 << (w & 31));
    } else if ((v & EVEN_BITS) === 0) {
      this.summaryEven[w >>> 5]! &= ~(1 << (w & 31));
    }
  }
}
