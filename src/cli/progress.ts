import type { SingleBar } from 'cli-progress';
import { type CliIO, processIO } from './io';

/**
 * A progress bar on stderr while a study runs: it advances per completed simulation and, for
 * the simulation running on the main thread, per sample of simulated time (redrawn at least once
 * a second while samples come, with an ETA). It appears only for a person watching (stderr is a
 * terminal, not CI, not --quiet, the real process streams, never under jest) and only once the
 * study has run for half a second, so quick runs print nothing extra; it is cleared when the
 * study ends, before the summary is printed. Without a terminal (CI, a pipe, a log file), a
 * line every LOG_EVERY_MS instead, so logs show the run is alive (not with --quiet).
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
/** Redraw the bar at least this often while the simulation reports. */
const REDRAW_MS = 1000;
/** Without a terminal: one line per this long. */
const LOG_EVERY_MS = 10_000;
/** Units of progress per task, so a task's progress within can show. */
const STEPS = 1000;

export function wantProgress(io: CliIO, quiet: boolean | undefined, env: NodeJS.ProcessEnv = process.env, stderrIsTTY = process.stderr.isTTY === true): boolean {
  return io === processIO && stderrIsTTY && quiet !== true && (env.CI ?? '') === '' && env.JEST_WORKER_ID === undefined;
}

/** Progress lines without a terminal: the real process, not --quiet, stderr not a terminal, not under jest. */
export function wantProgressLines(io: CliIO, quiet: boolean | undefined, env: NodeJS.ProcessEnv = process.env, stderrIsTTY = process.stderr.isTTY === true): boolean {
  return io === processIO && !stderrIsTTY && quiet !== true && env.JEST_WORKER_ID === undefined;
}

/**
 * Lines "portsim: simulating: 3/10 runs, 34 %, 20s elapsed, about 39s left" on `write` every
 * `every` ms (checked whenever progress is reported); `now` is the clock. Exported for tests.
 */
export function progressLines(write: (line: string) => void, what = 'runs', now: () => number = Date.now, every = LOG_EVERY_MS): StudyProgress {
  let tasks = 0, done = 0, within = 0, started = 0, last = 0;
  const report = () => {
    const t = now();
    if (t - last < every) return;
    last = t;
    const share = tasks === 0 ? 0 : Math.min(1, (done + within) / tasks);
    const elapsed = (t - started) / 1000;
    const left = share > 0 ? elapsed * (1 / share - 1) : undefined;
    write(`portsim: simulating: ${done}/${tasks} ${what}, ${Math.floor(share * 100)} %, ${Math.round(elapsed)}s elapsed${left === undefined ? '' : `, about ${Math.round(left)}s left`}`);
  };
  return {
    start(n) { tasks = n; started = now(); last = started; },
    taskDone() { done++; within = 0; report(); },
    within(fraction) { within = Math.min(1, fraction); report(); },
    stop() { /* nothing to clear */ },
  };
}

/** A StudyProgress if one should be shown, else undefined. */
export function progressBar(io: CliIO, quiet: boolean | undefined, what = 'runs'): StudyProgress | undefined {
  if (wantProgressLines(io, quiet)) return progressLines((line) => process.stderr.write(`${line}\n`), what);
  if (!wantProgress(io, quiet)) return undefined;
  let bar: SingleBar | undefined;
  let tasks = 0;
  let done = 0;
  let within = 0;
  let started = 0;
  let shown = 0;
  const show = () => {
    shown = Date.now();
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
      if (fraction - within < 0.002 && Date.now() - shown < REDRAW_MS) return;
      within = Math.min(1, fraction);
      show();
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
