import type { RandomStream } from '../../../src/random/stream';
import type { Selection } from '../../../src/workload/selection';

/**
 * The oracle's choice of the destination of each attempt among a workload's destinations, by
 * weight (the selections are described in src/workload/selection.ts; the kernel's choice is
 * src/kernel/assembly/attempt.ts).
 */
export class DestinationPicker {
  private readonly score: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly total: number;
  private readonly random: boolean;

  /** `targets[i]` is returned when destination i is chosen. */
  constructor(readonly targets: readonly number[], private readonly weights: readonly number[], selection: Selection) {
    this.score = new Float64Array(targets.length);
    this.cumulative = new Float64Array(targets.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
    this.random = selection === 'random';
  }

  next(rng: RandomStream): number {
    const n = this.targets.length;
    if (n === 1) return this.targets[0]!;
    if (this.random) {
      const u = rng.uniform() * this.total;
      let i = 0;
      while (i < n - 1 && u >= this.cumulative[i]!) i++;
      return this.targets[i]!;
    }
    const score = this.score;
    let best = 0;
    for (let i = 0; i < n; i++) {
      score[i]! += this.weights[i]!;
      if (score[i]! > score[best]!) best = i;
    }
    score[best]! -= this.total;
    return this.targets[best]!;
  }
}
