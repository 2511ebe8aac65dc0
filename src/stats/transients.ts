import type { Tick } from '../engine/time';
import type { LoadPhases, Phase } from './phases';
import type { SampleRow } from './run-stats';

/**
 * Figures of a run's transients, computed from its sample stream (the rows of timeseries.csv),
 * so both engines give them alike and a user can count them by hand from timeseries.csv:
 *
 * - failure episodes: runs of sample intervals with failures, with gaps of less than
 *   EPISODE_GAP between them: an episode runs from the start of its first failing interval to
 *   the end of its last one (so its times are on the sample grid), and ends once EPISODE_GAP
 *   passes without a failure (why a gap: a pool that is just full fails in most intervals but
 *   not all; a second of relief is not a recovery);
 * - recovery: the end of the first interval after the last failing one in which every pool
 *   stayed below RECOVERY_LEVEL of its ports (timeseries' max_pool_utilization below it);
 * - per load phase (./phases.ts): attempts and failures of the intervals ending in the phase
 *   (exact when the phase boundaries fall on the sample grid, as in a spike of whole seconds).
 *
 * Memory: one record per episode (at most one per two samples), and per phase.
 */
export const RECOVERY_LEVEL = 0.8;
/** Failure-free time that ends an episode: 5 s (ticks). */
export const EPISODE_GAP = 5_000_000;

export interface Episode {
  start: Tick;
  end: Tick;
  attempts: number;
  failures: number;
}

export interface PhaseFigures extends Phase {
  attempts: number;
  failures: number;
}

export interface Transients {
  episodes: Episode[];
  /** End of the first interval after the last failure with every pool below RECOVERY_LEVEL; -1: none (no failure, or not by the end). */
  recovered: Tick;
  phases: PhaseFigures[];
}

export class TransientCollector {
  private readonly episodes: Episode[] = [];
  private open: Episode | undefined;
  /** Attempts of the failure-free intervals since the open episode's last failing one. */
  private quietAttempts = 0;
  private previous: Tick = 0;
  private recovered: Tick = -1;
  private readonly phases: PhaseFigures[];
  private phase = 0;

  constructor(load: LoadPhases, private readonly level = RECOVERY_LEVEL) {
    this.phases = load.phases.map((p) => ({ ...p, attempts: 0, failures: 0 }));
  }

  add(s: SampleRow): void {
    if (s.failures > 0) {
      if (this.open === undefined) {
        this.open = { start: this.previous, end: s.t, attempts: 0, failures: 0 };
        this.episodes.push(this.open);
      }
      this.open.end = s.t;
      this.open.attempts += this.quietAttempts + s.attempts;
      this.open.failures += s.failures;
      this.quietAttempts = 0;
      this.recovered = -1;
    } else {
      if (this.open !== undefined) this.quietAttempts += s.attempts;
      if (this.open !== undefined && s.t - this.open.end >= EPISODE_GAP) {
        this.open = undefined;
        this.quietAttempts = 0;
      }
      if (this.episodes.length > 0 && this.recovered < 0 && s.maxPoolUtilization < this.level) this.recovered = s.t;
    }
    while (this.phase < this.phases.length - 1 && s.t > this.phases[this.phase]!.end) this.phase++;
    const p = this.phases[this.phase];
    if (p !== undefined) {
      p.attempts += s.attempts;
      p.failures += s.failures;
    }
    this.previous = s.t;
  }

  result(): Transients {
    return { episodes: this.episodes, recovered: this.recovered, phases: this.phases };
  }
}
