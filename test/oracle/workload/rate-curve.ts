import type { CurveWalker } from '../../../src/workload/rate-curve';

/**
 * The oracle's inverse of a curve's Λ (src/workload/rate-curve.ts CurveWalker holds the curve's
 * per-segment figures and Λ); the kernel's is src/kernel/assembly/traffic.ts. Keeps a cursor
 * (segment and period index) so a rising sequence of targets costs O(1) each, with no allocation.
 */
export class CurveCursor {
  private i = 0;
  private cycle = 0;

  constructor(readonly walker: CurveWalker) {}

  /** Back to the first segment, so `inverse` may be called with any target again. */
  reset(): void {
    this.i = 0;
    this.cycle = 0;
  }

  /**
   * inf{x : Λ(x) > u}, in (fractional) ticks, or Infinity when Λ never exceeds u. Where Λ = u
   * at a single instant this is that instant; where Λ stays at u over a stretch of zero rate it
   * is the end of the stretch (the moment the rate turns positive again). Targets must not
   * decrease between calls (call `reset` first otherwise).
   */
  inverse(u: number): number {
    const cw = this.walker, c = cw.c, n = cw.n;
    let base = 0;
    let i = this.i;
    if (cw.periodic) {
      const per = cw.perPeriod;
      if (!(per > 0)) return Infinity;
      base = this.cycle * per;
      if (u - base >= per) {
        this.cycle = Math.floor(u / per);
        base = this.cycle * per;
        i = 0;
      }
      while (u - base >= c[i + 1]!) {
        if (++i === n) {
          i = 0;
          base = ++this.cycle * per;
        }
      }
    } else {
      while (i < n && u >= c[i + 1]!) i++;
      this.i = i;
      if (i === n) return Infinity;
    }
    this.i = i;
    const v = u - base - c[i]!;
    let s: number;
    if (!(v > 0)) s = 0;
    else if (cw.b[i] === 0) s = v * cw.gap[i]!;
    else {
      const a = cw.a[i]!, w = v * 1e6;
      s = (2 * w) / (a + Math.sqrt(a * a + 2 * cw.b[i]! * w));
    }
    const len = cw.t[i + 1]! - cw.t[i]!;
    if (s > len) s = len;
    return cw.periodic ? cw.t[i]! + this.cycle * cw.period + s : cw.t[i]! + s;
  }
}
