import type { RandomStream } from '../random/stream';

/**
 * Chooses the destination of each attempt among a workload's destinations, by weight.
 *
 * `round-robin` (default) is nginx's smooth weighted round-robin: every pick adds each weight to
 * its running score, takes the highest score (lowest index on ties) and subtracts the total
 * from it. Destinations come in turn, in proportion to their weights, evenly interleaved
 * (weights 1:1 give A B A B…; 2:1 give A B A A B A…). It draws no random numbers.
 * `random` draws each destination independently with probability weight / total.
 * A scenario's `selection: zipf` arrives here as `random` with Zipf weights (weight / k^s by
 * rank k), set by ../scenario/normalize.ts (see ../scenario/topology.ts).
 */
export type Selection = 'round-robin' | 'random';

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

  /**
   * The targets of one period of a round-robin picker that has not picked yet: the picks until
   * every score is back at exactly 0 (its start, so the sequence repeats from there), when that
   * happens within `limit` picks; else undefined (and the picker is back at its start). A
   * random picker, or one of a single target, has none. For the kernel, which replays the
   * period instead of scoring every destination at each pick (s11's 200 pods).
   */
  period(limit: number): number[] | undefined {
    if (this.random || this.targets.length === 1 || this.score.some((s) => s !== 0)) return undefined;
    const picks: number[] = [];
    while (picks.length < limit) {
      picks.push(this.next(undefined as unknown as RandomStream)); // round-robin draws nothing
      if (this.score.every((s) => s === 0)) return picks;
    }
    this.score.fill(0);
    return undefined;
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
