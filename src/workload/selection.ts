/**
 * How a workload chooses the destination of each attempt among its destinations, by weight.
 *
 * `round-robin` (default) is nginx's smooth weighted round-robin: every pick adds each weight to
 * its running score, takes the highest score (lowest index on ties) and subtracts the total
 * from it. Destinations come in turn, in proportion to their weights, evenly interleaved
 * (weights 1:1 give A B A B…; 2:1 give A B A A B A…). It draws no random numbers.
 * `random` draws each destination independently with probability weight / total.
 * A scenario's `selection: zipf` arrives here as `random` with Zipf weights (weight / k^s by
 * rank k), set by ../scenario/normalize.ts (see ../scenario/topology.ts).
 *
 * The picks are written once, in the WebAssembly kernel (../kernel/assembly/attempt.ts, with its
 * codes in ./selection-codes.ts); the test oracle has its own (test/oracle/workload/destination-picker.ts).
 */
export type Selection = 'round-robin' | 'random';

/**
 * The targets of one period of a round-robin selection from its start (every score 0): the picks
 * until every score is back at exactly 0, so the sequence repeats from there, when that happens
 * within `limit` picks; else undefined. A random selection, or one of a single target, has none.
 * For the kernel, which replays the period instead of scoring every destination at each pick
 * (s11's 200 pods); it scores pick by pick when there is none. why here and not in the kernel:
 * worked out once per run, before it starts, from the plan.
 */
export function roundRobinPeriod(targets: readonly number[], weights: readonly number[], selection: Selection, limit: number): number[] | undefined {
  const n = targets.length;
  if (selection === 'random' || n === 1) return undefined;
  const total = weights.reduce((a, w) => a + w, 0);
  const score = new Float64Array(n);
  const picks: number[] = [];
  while (picks.length < limit) {
    let best = 0;
    for (let i = 0; i < n; i++) {
      score[i]! += weights[i]!;
      if (score[i]! > score[best]!) best = i;
    }
    score[best]! -= total;
    picks.push(targets[best]!);
    if (score.every((s) => s === 0)) return picks;
  }
  return undefined;
}
