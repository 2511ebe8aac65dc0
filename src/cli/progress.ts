import type { SingleBar } from 'cli-progress';
import { type CliIO, processIO } from './io';

/**
 * A progress bar on stderr while a study runs: it advances per completed simulation and, for
 * the simulation running on the main thread, per sample of simulated time. It appears only
 * for a person watching (stderr is a terminal, not CI, not --quiet, the real process streams,
 * never under jest) and only once the study has run for half a second, so quick runs print
 * nothing extra; it is cleared when the study ends, before the summary is printed.
 */
export interface StudyProgress {
  start(tasks: number): void;
  /** One more task has completed. */
  taskDone(): void;
  /** The task running on this thread has simulated this share (0–1) of its time. */
  within(fraction: number): void;
  stop(): void;
}

const SHOW_AFTER_MS = 500;
/** Units of progress per task, so a task's progress within can show. */
const STEPS = 1000;

export function wantProgress(io: CliIO, quiet: boolean | undefined, env: NodeJS.ProcessEnv = process.env, stderrIsTTY = process.stderr.isTTY === true): boolean {
  return io === processIO && stderrIsTTY && quiet !== true && (env.CI ?? '') === '' && env.JEST_WORKER_ID === undefined;
}

/** A StudyProgress if one should be shown, else undefined. */
export function progressBar(io: CliIO, quiet: boolean | undefined, what = 'runs'): StudyProgress | undefined {
  if (!wantProgress(io, quiet)) return undefined;
  let bar: SingleBar | undefined;
  let tasks = 0;
  let done = 0;
  let within = 0;
  let started = 0;
  const show = () => {
    const value = Math.min(tasks * STEPS, done * STEPS + Math.floor(within * STEPS));
    const payload = { done, tasks, what };
    if (bar === undefined) {
      if (Date.now() - started < SHOW_AFTER_MS) return;
      // Loaded only now that a bar is shown: most runs (quiet, piped, CI, quick) never show one.
      const { Presets, SingleBar: Bar } = require('cli-progress') as typeof import('cli-progress');
      bar = new Bar({
        stream: process.stderr,
        format: 'simulating {bar} {percentage}% | {done}/{tasks} {what} | {duration_formatted}, about {eta_formatted} left',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 200,
        fps: 8,
        synchronousUpdate: true,
      }, Presets.shades_classic);
      bar.start(tasks * STEPS, value, payload);
    } else {
      bar.update(value, payload);
    }
  };
  return {
    start(n) {
      tasks = n;
      started = Date.now();
    },
    taskDone() {
      done++;
      within = 0;
      show();
    },
    within(fraction) {
      if (fraction - within < 0.002) return;
      within = Math.min(1, fraction);
      show();
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
