/** The options the commands share (cli.ts), and the scenario options turned into the loader's. */
import type { Options } from 'yargs';
import type { LoadOptions } from '../scenario/load';
import { PRESET_NAMES } from '../os/presets';

export interface CommonArgs {
  files: string[];
  seed?: number;
  duration?: string;
  set?: string[];
  compare?: string;
  replications?: number;
  'allow-any-path'?: boolean;
}

export const JOBS = { type: 'number', describe: 'threads running the simulations in parallel, this one included (default: the CPUs available; results are the same for any value)' } as const;
export const SHARD = { type: 'string', describe: 'run only shard i of n (i/n, from 1) of the runs and write a shard folder for "portsim merge"' } as const;
export const QUIET = { alias: 'q', type: 'boolean', describe: 'print nothing on success' } as const;

/** The options that change the scenario, taken by the commands that load one (not merge, profiles). */
export const SCENARIO_OPTIONS = {
  seed: { type: 'number', describe: 'random seed (replaces the file\'s seed)' },
  duration: { type: 'string', describe: 'simulated time, e.g. 10m (replaces the file\'s duration)' },
  set: { type: 'string', array: true, describe: 'change a field: field.path=value (repeatable)' },
  compare: { type: 'string', describe: `run the same traffic on these presets, comma-separated (${PRESET_NAMES.join(', ')})` },
  replications: { type: 'number', describe: 'independent runs with derived seeds' },
  'allow-any-path': { type: 'boolean', describe: 'let the scenario name files (profiles, traces, durations) by absolute paths or outside its folder' },
} as const satisfies Record<string, Options>;

export const JSON_OPTION = { type: 'boolean', describe: 'print one JSON document on stdout for scripts (shape: scenarios/README.md, "Output for scripts"); the console table goes to stderr' } as const;

export function loadOptions(a: CommonArgs): LoadOptions {
  const opts: LoadOptions = {};
  if (a.seed !== undefined) opts.seed = a.seed;
  if (a.duration !== undefined) opts.duration = a.duration;
  if (a.set !== undefined) opts.set = a.set.map(String);
  if (a.replications !== undefined) opts.replications = a.replications;
  if (a['allow-any-path'] === true) opts.allowAnyPath = true;
  if (a.compare !== undefined) opts.compare = a.compare.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return opts;
}
