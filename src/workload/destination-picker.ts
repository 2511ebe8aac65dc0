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
   * The targets of one period of a fresh round-robin picker, when its scores come back to their
   * start (all zero) within `limit` picks — integer weights do after their sum — so that the picks
   * repeat that sequence for ever; else undefined (random selection, fractional weights, a longer
   * period). Made by picking from a copy, so this picker is left as it was.
   */
  period(limit: number): number[] | undefined {
    if (this.random || !Number.isInteger(this.total) || this.total > limit) return undefined;
    const copy = new DestinationPicker(this.targets, this.weights, 'round-robin');
    const out: number[] = [];
    for (let k = 0; k < this.total; k++) out.push(copy.roundRobin());
    return copy.score.every((s) => s === 0) ? out : undefined;
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
    return this.roundRobin();
  }

  /** nginx's smooth weighted round-robin: one pick. */
  private roundRobin(): number {
    const n = this.targets.length;
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
