#!/usr/bin/env node
// `import … = require`: esbuild then bundles yargs' CommonJS build, whose help wraps at word
// boundaries (wrap-ansi); its ESM build, which an `import` statement would pick, breaks words.
import yargs = require('yargs');
import { endEarlyWorker } from './early-worker';
import type { Argv } from 'yargs';
import type { LoadedScenario, LoadOptions } from '../scenario/load';
import { type CommonArgs, JOBS, JSON_OPTION, loadOptions, QUIET, SCENARIO_OPTIONS, SHARD } from './options';
import type { LocatedIssue } from '../scenario/issues';
import { didYouMean } from '../scenario/issues';
import type { RunOptions } from './commands/run';
import { type CliIO, ExitError, processIO } from './io';
import { startRenderer, stopRenderer } from './renderer';
import type { Shard } from './shard';
import { version } from './version';

/**
 * The modules behind the commands, loaded when a command needs them rather than at start-up:
 * start-up is most of a short run's wall time, and each command module pulls in its own
 * dependencies (`capacity` the analytic estimates, what-ifs and the capacity search; `merge` the
 * shard reader; `profiles` the host readers; the scenario loader yaml and zod), so that `portsim
 * run` loads none of the other commands' modules, and `merge` or `--help` no scenario loader.
 * Only types are imported above; `require` here is what loads (cached by Node after the first call).
 */
const lazy = {
  scenario: () => require('../scenario/load') as typeof import('../scenario/load'),
  run: () => require('./commands/run') as typeof import('./commands/run'),
  sweep: () => require('./commands/sweep') as typeof import('./commands/sweep'),
  capacity: () => require('./commands/capacity') as typeof import('./commands/capacity'),
  merge: () => require('./commands/merge') as typeof import('./commands/merge'),
  profiles: () => require('./commands/profiles') as typeof import('./commands/profiles'),
  validate: () => require('./commands/validate') as typeof import('./commands/validate'),
  schema: () => require('./commands/schema') as typeof import('./commands/schema'),
  completion: () => require('./completion') as typeof import('./completion'),
  json: () => require('./json-output') as typeof import('./json-output'),
  budget: () => require('./budget') as typeof import('./budget'),
  /** For --shard only: shard.ts also holds the manifest reader, and with it zod. */
  shard: () => require('./shard') as typeof import('./shard'),
};

/** --jobs and --shard, checked (exit 2 when malformed). */
function parallelOptions(a: { jobs?: number; shard?: string; force?: boolean }): { jobs?: number; shard?: Shard; budget: import('../stats/estimate').Budget } {
  const opts: { jobs?: number; shard?: Shard; budget: import('../stats/estimate').Budget } = { budget: lazy.budget().budgetOf(a) };
  if (a.jobs !== undefined) {
    if (!Number.isInteger(a.jobs) || a.jobs < 1) throw new ExitError(`--jobs must be a whole number of threads, at least 1; got ${String(a.jobs)}`);
    lazy.budget().checkJobs(a.jobs, require('node:os').availableParallelism() as number, a.force);
    opts.jobs = a.jobs;
  }
  if (a.shard !== undefined) opts.shard = lazy.shard().parseShard(String(a.shard));
  return opts;
}

/** The options defined in the current command's context; getOptions() is yargs' own (17.x), missing from @types/yargs. */
const yargsOptions = (y: Argv) => (y as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]>; boolean: string[] } }).getOptions();

/** The options a command's help lists (its own, help and version), each as typed: --name, -alias, --no-name. */
function optionNames(y: Argv): string[] {
  const o = yargsOptions(y);
  const names = new Set<string>([...Object.keys(o.key), ...Object.values(o.alias).flat()]);
  for (const b of o.boolean) names.add(`no-${b}`);
  return [...names].filter((n) => n !== '$0' && n !== '_');
}

/** A file loaded, or the problems that kept it from loading. */
type Loaded = { file: string; loaded: LoadedScenario } | { file: string; issues: LocatedIssue[] };

/** Loads every file; prints every problem of every file (and its warnings) on stderr. */
function loadEach(files: readonly string[], opts: LoadOptions, io: CliIO): Loaded[] {
  const { loadScenario, ScenarioError, formatIssues } = lazy.scenario();
  return files.map((file) => {
    try {
      const loaded = loadScenario(file, opts);
      for (const w of loaded.warnings) io.err(`${file}: warning: ${w}`);
      return { file, loaded };
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      io.err(formatIssues(e.file, e.issues));
      return { file, issues: e.issues };
    }
  });
}

/** Loads every file; prints every problem of every file; throws ExitError(2) if any. */
function loadAll(files: readonly string[], opts: LoadOptions, io: CliIO): LoadedScenario[] {
  const each = loadEach(files, opts, io);
  if (each.some((l) => 'issues' in l)) throw new ExitError('', 2);
  return each.map((l) => (l as { loaded: LoadedScenario }).loaded);
}

/**
 * What to say after "Unknown argument: x": the option of this command it is likely a misspelling
 * of, or, for a scenario option given to a command that takes none, why not.
 */
function optionHint(unknown: string, known: readonly string[]): string {
  const hint = unknown.length > 1 ? didYouMean(unknown, known.filter((k) => k.length > 1)) : '';
  if (hint !== '') return hint.replace(/"(.+)"/, '"--$1"');
  if (unknown in SCENARIO_OPTIONS) return ` --${unknown} changes a scenario: run, sweep, capacity and validate take it (merge does not: the shards were made with it).`;
  return '';
}

/**
 * The command line. `main` returns the exit code (0 ok, 2 bad input or usage, 1 anything else)
 * so tests call it in-process; only the last lines of this file touch `process.exit`.
 */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  // A run that draws charts: the renderer starts loading now, beside parsing and simulating.
  if (argv[0] === 'run' && !argv.includes('--no-report')) startRenderer();
  try {
    return await command(argv, io);
  } finally {
    // Whatever ended the command (bad input included), the renderer's thread goes with it.
    await stopRenderer();
  }
}

/** What the commands' handlers share: the command line, the I/O, and the seed a bug report names. */
interface CommandContext {
  readonly argv: readonly string[];
  readonly io: CliIO;
  seed?: number;
}

/** `portsim run`: its options, help and handler. */
function addRun(cli: Argv, ctx: CommandContext): void {
  const { argv, io } = ctx;
  cli.command(
    'run <files..>',
    'run scenario files and write CSV results',
    (y) => y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files (YAML or JSON)' })
      .options(SCENARIO_OPTIONS)
      .option('out', { type: 'string', describe: 'write results into exactly this folder (one scenario only)' })
      .option('quiet', QUIET)
      .option('jobs', JOBS)
      .options(lazy.budget().BUDGET_OPTIONS)
      .option('shard', SHARD)
      .option('json', JSON_OPTION)
      .option('report', { type: 'boolean', default: true, describe: 'draw the charts and report.html (--no-report: CSV files and meta.json only, about 0.4 s faster)' })
      .example('$0 run scenarios/default.yaml', 'compare Windows and Linux at the same load')
      .example('$0 run scenarios/bench-steady.yaml --seed 7 --out /tmp/steady', 'another seed, results in /tmp/steady')
      .example('$0 run scenarios/burst.yaml --set workloads.burst.arrivals.rate=2000/s', 'change one field')
      .example('$0 run scenarios/default.yaml --compare linux,windows,macos', 'same traffic on three OS profiles')
      .example('$0 run scenarios/bench-steady.yaml --replications 20 --jobs 4', '20 replications on 4 threads')
      .example('$0 run scenarios/bench-steady.yaml --replications 20 --shard 1/2 --out part1', 'half of them, for "portsim merge"'),
    async (a) => {
      const files = a.files as string[];
      if (a.out !== undefined && files.length > 1) throw new ExitError('--out takes one scenario file; without --out each run writes results/<scenario>/<run-id>/');
      if (a.shard !== undefined && files.length > 1) throw new ExitError('--shard takes one scenario file');
      const parallel = parallelOptions(a);
      const cio = a.json === true ? lazy.json().tableToStderr(io) : io;
      const runs: unknown[] = [];
      try {
        for (const l of loadAll(files, loadOptions(a as unknown as CommonArgs), io)) {
          ctx.seed = l.plan.seed;
          const opts: RunOptions = { argv: ['portsim', ...argv], ...parallel };
          if (a.out !== undefined) opts.out = a.out;
          if (a.quiet === true) opts.quiet = true;
          if (a.report === false) opts.report = false;
          const outcome = await lazy.run().runScenario(l, opts, cio);
          if (a.json === true) runs.push(lazy.json().runJson(l, outcome));
          if (files.length > 1 && a.quiet !== true) cio.out('');
        }
      } finally {
        await endEarlyWorker(); // the launcher's early thread, if no run took it (main.ts)
      }
      if (a.json === true) lazy.json().printJson(io, 'run', version(), { runs });
    },
  );
}

/** `portsim sweep`: its options, help and handler. */
function addSweep(cli: Argv, ctx: CommandContext): void {
  const { argv, io } = ctx;
  cli.command(
    'sweep <file>',
    'run a scenario over a grid of field values and write one summary row per point, profile and replication',
    (y) => y
      .positional('file', { type: 'string', demandOption: true, describe: 'scenario file (YAML or JSON)' })
      .options(SCENARIO_OPTIONS)
      .option('vary', { type: 'string', array: true, describe: 'a field and its values: field.path=v1,v2,… (YAML values, as for --set; repeatable: the grid is every combination, the first --vary varying slowest)' })
      .option('vary-together', { type: 'string', array: true, describe: 'fields that move in step, each field.path=v1,v2,… with as many values: their k-th values go together (one dimension of the grid, after the --vary ones)' })
      .option('out', { type: 'string', describe: 'write results into exactly this folder' })
      .option('quiet', QUIET)
      .option('jobs', JOBS)
      .options(lazy.budget().BUDGET_OPTIONS)
      .option('shard', SHARD)
      .option('json', JSON_OPTION)
      .option('report', { type: 'boolean', default: true, describe: 'draw sweep.svg and report.html (--no-report: sweep.csv and meta.json only)' })
      .example('$0 sweep scenarios/default.yaml --vary workloads.requests.arrivals.rate=100/s,150/s,200/s', 'three loads, Linux and Windows each')
      .example("$0 sweep scenarios/bench-steady.yaml --vary hosts.client.sourceIps=1,2 --vary 'hosts.client.profile.timeWait=30s,60s'", 'a 2 × 2 grid'),
    async (a) => {
      const { loadSweep, parseVaries, runSweep } = lazy.sweep();
      const axes = parseVaries(((a.vary as string[] | undefined) ?? []).map(String), ((a['vary-together'] as string[] | undefined) ?? []).map(String));
      const parallel = parallelOptions(a);
      const points = loadSweep(a.file as string, axes, loadOptions(a as unknown as CommonArgs), io);
      ctx.seed = points[0]!.loaded.plan.seed;
      const opts: Parameters<typeof runSweep>[3] = { argv: ['portsim', ...argv], ...parallel };
      if (a.out !== undefined) opts.out = a.out;
      if (a.quiet === true) opts.quiet = true;
      if (a.report === false) opts.report = false;
      const outcome = await runSweep(a.file as string, axes, points, opts, a.json === true ? lazy.json().tableToStderr(io) : io);
      if (a.json === true) lazy.json().printJson(io, 'sweep', version(), lazy.json().sweepJson(a.file as string, points, axes, outcome));
    },
  );
}

/** `portsim capacity`: its options, help and handler. */
function addCapacity(cli: Argv, ctx: CommandContext): void {
  const { argv, io } = ctx;
  cli.command(
    'capacity <file>',
    'find, per profile, the highest load (every arrival rate scaled together) whose steady failure ratio stays at or below a target',
    // The builder runs only for `capacity` (or its --help): the defaults shown come from its module.
    (y) => y
      .positional('file', { type: 'string', demandOption: true, describe: 'scenario file (YAML or JSON)' })
      .options(SCENARIO_OPTIONS)
      .option('target', { type: 'number', describe: `steady failure ratio not to exceed (default ${lazy.capacity().DEFAULT_TARGET} = 0.1 %)` })
      .option('precision', { type: 'number', describe: `stop when the bracket (highest passing load, lowest failing load) is this narrow, relative (default ${lazy.capacity().DEFAULT_PRECISION} = 0.5 %)` })
      .option('out', { type: 'string', describe: 'write into exactly this folder' })
      .option('quiet', QUIET)
      .option('jobs', JOBS)
      .option('json', JSON_OPTION)
      .options(lazy.budget().BUDGET_OPTIONS)
      .option('report', { type: 'boolean', default: true, describe: 'draw capacity.svg and report.html (--no-report: CSV files and meta.json only)' })
      .option('what-ifs', { describe: 'also search each standard change that applies (another source IP, a wider range…) and rank them; --what-ifs a,b: only these changes; --no-what-ifs: the baseline only' })
      .example('$0 capacity scenarios/default.yaml', 'sustainable new connections/s on Linux and Windows, and the headroom')
      .example('$0 capacity scenarios/default.yaml --target 0.01 --replications 4', 'at 1 % failures, each probe averaged over 4 replications'),
    async (a) => {
      const { checkSearchOptions, DEFAULT_PRECISION, DEFAULT_TARGET, runCapacity } = lazy.capacity();
      const target = a.target ?? DEFAULT_TARGET;
      const precision = a.precision ?? DEFAULT_PRECISION;
      checkSearchOptions(target, precision);
      const parallel = parallelOptions(a);
      // Replications per probe: --replications, else 1 (not the file's: each probe would repeat them).
      const load = { ...loadOptions(a as unknown as CommonArgs) };
      load.replications ??= 1;
      const [loaded] = loadAll([a.file as string], load, io);
      ctx.seed = loaded!.plan.seed;
      const opts: Parameters<typeof runCapacity>[1] = { argv: ['portsim', ...argv], target, precision, ...parallel };
      if (a.out !== undefined) opts.out = a.out;
      if (a.quiet === true) opts.quiet = true;
      if (a.report === false) opts.report = false;
      if (a['what-ifs'] === false) opts.whatIfs = false;
      else if (typeof a['what-ifs'] === 'string') opts.whatIfs = a['what-ifs'].split(',').map((s) => s.trim()).filter((s) => s !== '');
      const outcome = await runCapacity(loaded!, opts, a.json === true ? lazy.json().tableToStderr(io) : io);
      if (a.json === true) lazy.json().printJson(io, 'capacity', version(), lazy.json().capacityJson(loaded!, { target, precision }, outcome));
    },
  );
}

/** `portsim merge`: its options, help and handler. */
function addMerge(cli: Argv, ctx: CommandContext): void {
  const { argv, io } = ctx;
  cli.command(
    'merge <dirs..>',
    'join the shard folders of a sharded run or sweep into the files of the whole',
    (y) => y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'shard folders (each with a shard.json)' })
      .option('out', { type: 'string', describe: 'write into this folder (default: where the unsharded run would write)' })
      .option('quiet', QUIET)
      .example('$0 merge shard-* --out all', 'join every shard of a study'),
    async (a) => {
      const { mergeShards } = lazy.merge();
      const opts: Parameters<typeof mergeShards>[1] = { argv: ['portsim', ...argv] };
      if (a.out !== undefined) opts.out = a.out;
      if (a.quiet === true) opts.quiet = true;
      await mergeShards(a.dirs as string[], opts, io);
    },
  );
}

/** `portsim validate`: its options, help and handler. */
function addValidate(cli: Argv, ctx: CommandContext): void {
  const { io } = ctx;
  cli.command(
    'validate <files..>',
    'check scenario files without running them',
    (y) => y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'scenario files (YAML or JSON)' })
      .options(SCENARIO_OPTIONS)
      .option('print-normalized', { type: 'boolean', describe: 'print the plan with every default filled in (JSON)' })
      .option('json', { type: 'boolean', describe: 'print one JSON document: per file, valid or not, what it runs or its problems (with line and column)' })
      .example('$0 validate scenarios/*.yaml', 'check every shipped scenario'),
    (a) => {
      const { describeScenario, describeWork } = lazy.validate();
      if (a.json === true) {
        const each = loadEach(a.files as string[], loadOptions(a as unknown as CommonArgs), io);
        lazy.json().printJson(io, 'validate', version(), lazy.json().validateJson(each, describeScenario));
        if (each.some((l) => 'issues' in l)) throw new ExitError('', 2);
        return;
      }
      for (const l of loadAll(a.files as string[], loadOptions(a as unknown as CommonArgs), io)) {
        io.out(a['print-normalized'] === true ? JSON.stringify(l.plan, (_k, v: unknown) => (v === Infinity ? 'never' : v), 2) : `${describeScenario(l)}\n${describeWork(l)}`);
      }
    },
  );
}

/** `portsim schema`: its options, help and handler. */
function addSchema(cli: Argv, ctx: CommandContext): void {
  const { io } = ctx;
  cli.command(
    'schema',
    'print the JSON Schema of scenario files, for editors (see scenarios/README.md, "Editor support")',
    (y) => y.example('$0 schema > scenario.schema.json', 'the same as scenarios/scenario.schema.json in the package'),
    () => {
      // The text ends in a newline already: io.out adds none.
      io.out(lazy.schema().schemaText());
    },
  );
}

/** `portsim profiles`: its options, help and handler. */
function addProfiles(cli: Argv, ctx: CommandContext): void {
  const { io } = ctx;
  cli.command(
    'profiles',
    'list the OS profile presets; show one field by field; write a profile file from a Linux host or saved netsh output',
    (y) => lazy.profiles().profilesCommand(io).builder(y),
    (a) => lazy.profiles().profilesCommand(io).handler(a),
  );
}

/**
 * yargs (17.x, command.js handleValidationAndGetResult) builds the whole help text of a command
 * right after its handler returns, so as to print it should the handler's promise fail. portsim
 * never prints yargs' help on a failure (`.fail` below turns every failure into a message of its
 * own), and a command's handler returns only after its synchronous part, which is the whole
 * simulation of a run: so the help text was built, wrapped and measured, then thrown away, between
 * the simulation and the writing of meta.json (5-10 ms of CPU: a second `validate` in one process
 * took 13-19 ms before, 8-11 ms after). `--help` still builds it
 * when asked (usage.help, which this cache only short-cuts).
 */
function skipHelpCache(parser: Argv): void {
  const internal = (parser as unknown as { getInternalMethods?(): { getUsageInstance(): { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** The commands, in the order the help lists them. */
const COMMANDS: readonly ((cli: Argv, ctx: CommandContext) => void)[] = [addRun, addSweep, addCapacity, addMerge, addValidate, addSchema, addProfiles];

async function command(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  const ctx: CommandContext = { argv, io };
  const cli = yargs([...argv])
    .scriptName('portsim')
    .usage('$0 <command> [options]\n\nSimulates ephemeral-port allocation: when a host runs out of source ports, and what buys headroom.');
  for (const add of COMMANDS) add(cli, ctx);
  const parser = cli
    .completion('completion', 'print the shell completion script (bash; zsh when run from zsh): portsim completion >> ~/.bashrc', (_current: string, _argv: unknown, defaults: (cb: (err: Error | null, offered: string[] | undefined) => void) => void, done: (c: string[]) => void) => {
      defaults((_err, offered) => {
        const words = argv.slice(argv.indexOf('--get-yargs-completions') + 1);
        done(lazy.completion().completions({ words, options: yargsOptions(parser), defaults: offered ?? [] }));
      });
    })
    .demandCommand(1, 'Say which command to run: run, sweep, capacity, merge, validate, profiles or schema.')
    .recommendCommands()
    .strict()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err !== undefined && err !== null) throw err;
      const unknown = msg.startsWith('Did you mean') ? `Unknown command "${String(argv[0])}". ` : '';
      const option = /^Unknown arguments?: ([\w-]+)/.exec(msg);
      const hint = option ? optionHint(option[1]!, optionNames(parser)) : '';
      throw new ExitError(`${unknown}${msg.replace(/[.?]?$/, (m) => m || '.')}${hint}\nRun "portsim --help" for usage.`);
    });
  skipHelpCache(parser);
  try {
    // "-" (read the scenario from standard input) would be dropped by yargs: it goes in under the loader's name for it.
    await parser.parseAsync(argv.map((x) => (x === '-' ? '<stdin>' : x)), {}, (err, _argv, output) => {
      if (output !== '' && !err) io.out(output);
    });
  } catch (e) {
    if (e instanceof ExitError) {
      if (e.message !== '') io.err(e.message);
      code = e.code;
    } else {
      const err = e as Error;
      io.err(`portsim ${version()} hit an internal error${ctx.seed !== undefined ? ` (seed ${ctx.seed})` : ''}: ${err.stack ?? String(err)}`);
      io.err('This is a bug in portsim. Please report it with the scenario file, the command line and the lines above.');
      code = 1;
    }
  }
  return code;
}

if (require.main === module) {
  // Output piped into a reader that stops early (`portsim schema | head`): stop quietly, as a shell tool does.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  (require('./signals') as typeof import('./signals')).installSignalHandlers();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
