import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import type { Argv } from 'yargs';
import { secondsFromTicks } from '../../engine/time';
import { ALLOCATORS } from '../../os/allocators';
import {
  HostConfigError, type HostProfile, LABEL_RULE, profileFromNetsh, profileFromSysctls, profileYaml, sanitizeLabel, SYSCTL_FILES,
} from '../../os/host-config';
import { PRESET_NAMES, PRESETS, searchPresets } from '../../os/presets';
import { PROFILE_FIELDS, type Profile, type ProfileField, usablePorts } from '../../os/profile';
import { didYouMean, toDotPath } from '../../scenario/issues';
import { isProfileFileRef, loadProfileFile, parseProfileFile, ScenarioError } from '../../scenario/load';
import { resolveProfile } from '../../scenario/normalize';
import { presetChoices, presetHint, type ProfileInput, profileSchema } from '../../scenario/schema';
import { formatTable } from '../../report/table';
import { type CliIO, ExitError } from '../io';
import { gatewaysJson, gatewayTable, searchGateways, showGateway } from './gateway-profiles';

/** `portsim profiles`: every preset with its numbers and where they come from. */
export function profilesTable(search?: string): string {
  const header = ['preset', 'range', 'ports', 'TIME_WAIT', 'sharing', 'allocator', 'bindAllocator', 'twReuse', 'source'];
  const found = searchPresets(search);
  const gateways = searchGateways(search);
  if (found.length === 0 && gateways.length === 0) {
    throw new ExitError(`no preset matches "${search}".${presetHint(search ?? '')} ${presetChoices()}`);
  }
  if (found.length === 0) return gatewayTable(gateways);
  const rows = found.map((p) => [
    p.preset, `${p.portRange[0]}-${p.portRange[1]}`, String(usablePorts(p)), `${secondsFromTicks(p.timeWait)}s`,
    p.sharing, p.allocator, p.bindAllocator, String(p.twReuse), p.source,
  ]);
  const table = formatTable(header, rows, [false, false, true, true, false, false, false, true]);
  const nat = gateways.length === 0 ? [] : ['', gatewayTable(gateways)];
  if (search !== undefined) return [table, ...nat].join('\n');
  const allocators = Object.values(ALLOCATORS).map((a) => `  ${a.name}: ${a.description}`);
  return [table, '', 'allocators:', ...allocators, ...nat].join('\n');
}

export function profilesJson(search?: string): string {
  const os = searchPresets(search).map((p) => ({ ...p, ports: usablePorts(p), timeWait: `${secondsFromTicks(p.timeWait)}s` }));
  const gateways = searchGateways(search);
  // The OS presets' array as before; the gateway presets after them, each with `gateway: true`.
  return JSON.stringify([...os, ...gatewaysJson(gateways).map((g) => ({ gateway: true, ...(g as object) }))], null, 2);
}

// ---------------------------------------------------------------------------------------------
// portsim profiles show <name>

/** Ticks in the unit the OS knob uses: whole seconds as "60s", else milliseconds, else µs. */
function duration(ticks: number, unit: 's' | 'ms'): string {
  if (unit === 's' && ticks % 1_000_000 === 0) return `${ticks / 1_000_000}s`;
  if (ticks % 1000 === 0) return `${ticks / 1000}ms`;
  return `${ticks}us`;
}

/** Sorted ports as "8080", "9000-9010" runs. */
function portRuns(ports: readonly number[]): (number | string)[] {
  const runs: (number | string)[] = [];
  for (let i = 0; i < ports.length; ) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1] === ports[j]! + 1) j++;
    runs.push(i === j ? ports[i]! : `${ports[i]}-${ports[j]}`);
    i = j + 1;
  }
  return runs;
}

const TW_REUSE = ['off', 'on', 'loopback only'] as const;

/** A field's value as a scenario would write it (JSON: null for "no cap") and as shown to people. */
function fieldValue(p: Profile, f: ProfileField): { value: unknown; text: string } {
  switch (f) {
    case 'portRange': {
      const n = p.portRange[1] - p.portRange[0] + 1;
      const usable = usablePorts(p);
      return { value: p.portRange, text: `${p.portRange[0]}-${p.portRange[1]} (${n} ports${usable !== n ? `, ${usable} usable` : ''})` };
    }
    case 'reservedPorts': {
      const runs = portRuns(p.reservedPorts);
      const n = p.reservedPorts.length;
      return { value: runs, text: n === 0 ? 'none' : `${runs.join(', ')} (${n} port${n === 1 ? '' : 's'})` };
    }
    case 'timeWait':
    case 'finTimeout': {
      const d = duration(p[f], 's');
      return { value: d, text: d };
    }
    case 'twReuseDelay': {
      const d = duration(p.twReuseDelay, 'ms');
      return { value: d, text: d };
    }
    case 'twReuse':
      return { value: p.twReuse, text: `${p.twReuse} (${TW_REUSE[p.twReuse]})` };
    case 'timestamps':
      return { value: p.timestamps, text: p.timestamps ? 'on' : 'off' };
    case 'maxTimeWaitBuckets':
      return Number.isFinite(p.maxTimeWaitBuckets)
        ? { value: p.maxTimeWaitBuckets, text: String(p.maxTimeWaitBuckets) }
        : { value: null, text: 'no cap' };
    default:
      return { value: p[f], text: String(p[f]) };
  }
}

/** Greedy word wrap to `width` columns (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** A preset by name, or a profile file (a name ending in .yaml/.yml); exit 2 when neither. */
function findProfile(name: string): { profile: Profile; file?: string } {
  if (isProfileFileRef(name)) {
    let input: ProfileInput;
    try {
      input = profileSchema.parse(loadProfileFile(name));
    } catch (e) {
      if (e instanceof ScenarioError) throw new ExitError(e.message);
      throw e;
    }
    const profile = resolveProfile(input);
    const sources = { ...profile.sources };
    for (const f of PROFILE_FIELDS) if (sources[f] === 'set by the scenario') sources[f] = `set by ${name}`;
    const source = profile.source.replace('Overridden by the scenario', `Overridden by ${name}`);
    return { profile: { ...profile, source, sources }, file: name };
  }
  const profile = PRESETS[name];
  if (profile === undefined) {
    throw new ExitError(
      `unknown profile "${name}".${presetHint(name)} ${presetChoices()}`,
    );
  }
  return { profile };
}

/**
 * `portsim profiles show <name>`: every field of a preset (or profile file) with its value in
 * scenario units and its source, in aligned columns; the source column wraps at `width`.
 */
export function showProfile(name: string, opts: { json?: boolean; width?: number } = {}): string {
  const gateway = showGateway(name, opts);
  if (gateway !== undefined) return gateway;
  const { profile: p, file } = findProfile(name);
  const rows = PROFILE_FIELDS.map((f) => ({ field: f, ...fieldValue(p, f), source: p.sources[f] ?? '(no source recorded)' }));
  if (opts.json === true) {
    return JSON.stringify(
      {
        name: p.name, preset: p.preset, ...(file !== undefined ? { file } : {}), ports: usablePorts(p), source: p.source,
        fields: Object.fromEntries(rows.map((r) => [r.field, { value: r.value, text: r.text, source: r.source }])),
      },
      null,
      2,
    );
  }
  const width = Math.max(60, opts.width ?? 100);
  const fieldW = Math.max(...rows.map((r) => r.field.length));
  const valueW = Math.max(...rows.map((r) => r.text.length));
  const head = [
    ['profile', file !== undefined ? `${p.name} (preset ${p.preset}, from ${file})` : p.name],
    ['source', p.source],
  ] as const;
  const headW = Math.max(...head.map(([k]) => k.length));
  const out: string[] = [];
  for (const [k, v] of head) {
    wrap(v, width - headW - 2).forEach((l, i) => out.push(`${(i === 0 ? k : '').padEnd(headW)}  ${l}`.trimEnd()));
  }
  out.push('');
  const sourceW = Math.max(30, width - fieldW - valueW - 4);
  out.push(`${'field'.padEnd(fieldW)}  ${'value'.padEnd(valueW)}  source`);
  for (const r of rows) {
    wrap(r.source, sourceW).forEach((l, i) => {
      out.push(`${(i === 0 ? r.field : '').padEnd(fieldW)}  ${(i === 0 ? r.text : '').padEnd(valueW)}  ${l}`.trimEnd());
    });
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// portsim profiles from-host / from-netsh

export const DEFAULT_PROC_ROOT = '/proc/sys/net/ipv4';

function label(given: string | undefined, fallback: string): string {
  if (given === undefined) return fallback;
  if (!LABEL_RULE.test(given)) throw new ExitError(`--label must be a name of letters, digits, ".", "_" or "-" (no spaces, not starting with a symbol), got ${JSON.stringify(given)}`);
  return given;
}

/** The YAML text, checked as a scenario would read it (a host value portsim cannot use is exit 2). */
function document(r: HostProfile, name: string, header: string[], out: string | undefined): string {
  const text = profileYaml({ ...r.profile, label: name }, header);
  try {
    parseProfileFile(out ?? 'output', text);
  } catch (e) {
    if (e instanceof ScenarioError) {
      throw new ExitError(`the values read make no usable profile (nothing written): ${e.issues.map((i) => `${toDotPath(i.path)}: ${i.message}`).join('; ')}`);
    }
    throw e;
  }
  return text;
}

/** To stdout, or to `out` through a temporary file renamed into place (never half a file). */
function write(text: string, out: string | undefined, io: CliIO): void {
  if (out === undefined) {
    io.out(text.replace(/\n$/, ''));
    return;
  }
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, out);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not there */ }
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? `no such folder ${dirname(out)}` : err.code === 'EISDIR' ? 'it is a folder' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new ExitError(`cannot write ${out}: ${why}`);
  }
  io.out(`wrote ${out}`);
}

const USE = (out: string | undefined, preset: string) =>
  `use it in a scenario: "profile: ${out ?? 'this-file.yaml'}" under a host, or "compare: [${preset}, ${out ?? 'this-file.yaml'}]" (a path relative to the scenario file)`;

/** `portsim profiles from-host`: this Linux host's sysctls as a profile file. */
export function fromHost(opts: { out?: string; label?: string; procRoot?: string; hostName?: string }, io: CliIO): void {
  const root = opts.procRoot ?? DEFAULT_PROC_ROOT;
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new ExitError(
      `${root}: no such folder. from-host reads the Linux sysctls under ${DEFAULT_PROC_ROOT}; ` +
        'on another system write a profile file by hand (scenarios/README.md, "Profile files"), or use from-netsh for Windows',
    );
  }
  const values: Record<string, string> = {};
  for (const f of SYSCTL_FILES) {
    try {
      values[f] = readFileSync(join(root, f), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new ExitError(`${join(root, f)}: cannot read: ${code ?? (e as Error).message}`);
    }
  }
  let r: HostProfile;
  try {
    r = profileFromSysctls(values, { root });
  } catch (e) {
    if (e instanceof HostConfigError) throw new ExitError(e.message);
    throw e;
  }
  const host = opts.hostName ?? hostname();
  const name = label(opts.label, sanitizeLabel(host));
  const header = [
    `portsim profile of host "${host}": Linux sysctls (of its network namespace) read from ${root}`,
    'by "portsim profiles from-host"; only portRange and the values that differ from the linux preset are written',
    '',
    ...r.notes,
    '',
    USE(opts.out, 'linux'),
  ];
  write(document(r, name, header, opts.out), opts.out, io);
}

/** `portsim profiles from-netsh FILE`: saved `netsh int ipv4 show dynamicport tcp` output as a profile file. */
export function fromNetsh(file: string, opts: { out?: string; label?: string }, io: CliIO): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExitError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code ?? (e as Error).message}`);
  }
  let r: HostProfile;
  try {
    r = profileFromNetsh(bytes, file);
  } catch (e) {
    if (e instanceof HostConfigError) throw new ExitError(e.message);
    throw e;
  }
  const name = label(opts.label, sanitizeLabel(basename(file, extname(file)), 'windows-host'));
  const header = [
    'portsim profile from saved Windows netsh output, by "portsim profiles from-netsh"',
    '',
    ...r.notes,
    '',
    USE(opts.out, 'windows'),
  ];
  write(document(r, name, header, opts.out), opts.out, io);
}

// ---------------------------------------------------------------------------------------------
// The command

const HELP = `Profile files: a YAML mapping with a preset and the fields to change, e.g.

  preset: linux
  label: prod-proxy
  portRange: [10000, 65000]
  finTimeout: 30s

A scenario names it where a preset goes: "profile: profiles/prod-proxy.yaml" under a host, or
"compare: [windows, ./prod-proxy.yaml]" (a string ending in .yaml or .yml, relative to the
scenario file; on the command line, --compare paths are relative to the working folder).
from-host and from-netsh write such files; see scenarios/README.md, "Profile files".`;

/**
 * The `profiles` command's subcommands, options and handler, for cli.ts, which names and
 * describes the command itself so that this file is loaded only when `profiles` runs.
 */
export function profilesCommand(io: CliIO) {
  const width = Math.min(110, process.stdout.columns ?? 100);
  return {
    builder: (y: Argv) => y
      .command(
        'show <name>',
        'every field of a preset (or profile file) with its value and where it comes from',
        (s) => s
          .positional('name', { type: 'string', demandOption: true, describe: `a preset (${PRESET_NAMES.join(', ')}) or a profile file (.yaml)` })
          .option('json', { type: 'boolean', describe: 'as JSON: value (scenario units), text and source per field' })
          .example('$0 profiles show linux', 'the Linux preset, sysctl by sysctl')
          .example('$0 profiles show profiles/prod-proxy.yaml', 'a profile file, resolved against its preset'),
        (a) => io.out(showProfile(String(a.name), { json: a.json === true, width })),
      )
      .command(
        'from-host',
        'write this Linux host\'s port sysctls (/proc/sys/net/ipv4) as a profile file',
        (s) => s
          .option('out', { type: 'string', describe: 'write to this file (atomically) instead of stdout' })
          .option('label', { type: 'string', describe: 'the profile\'s name in reports (default: the host name, made a valid name)' })
          .option('proc-root', { type: 'string', default: DEFAULT_PROC_ROOT, describe: 'read the sysctl files from this folder (a copy of another host\'s, or a test fixture)' })
          .example('$0 profiles from-host --out prod.yaml', 'then "profile: prod.yaml" in a scenario')
          .epilogue(
            `Reads ${SYSCTL_FILES.join(', ')}. A missing file (tcp_tw_reuse_delay before Linux 6.14) keeps the linux preset's value; ` +
              'the header comment says which. Reserved ports outside the range are left out (they do not affect automatic ports).',
          ),
        (a) => fromHost({ ...(a.out !== undefined ? { out: a.out } : {}), ...(a.label !== undefined ? { label: a.label } : {}), procRoot: a['proc-root'] }, io),
      )
      .command(
        'from-netsh <file>',
        'write saved "netsh int ipv4 show dynamicport tcp" output (Windows) as a profile file',
        (s) => s
          .positional('file', { type: 'string', demandOption: true, describe: 'the saved output: English or Japanese, UTF-8 or UTF-16 (PowerShell ">"), CRLF or LF' })
          .option('out', { type: 'string', describe: 'write to this file (atomically) instead of stdout' })
          .option('label', { type: 'string', describe: 'the profile\'s name in reports (default: the file name without extension)' })
          .example('netsh int ipv4 show dynamicport tcp > dynport.txt', '(on the Windows host)')
          .example('$0 profiles from-netsh dynport.txt --out win.yaml', 'preset windows with that range')
          .epilogue('Checked as netsh checks "set dynamicport": start 1025 or higher, num 255 or more, start + num - 1 at most 65535.'),
        (a) => fromNetsh(String(a.file), { ...(a.out !== undefined ? { out: a.out } : {}), ...(a.label !== undefined ? { label: a.label } : {}) }, io),
      )
      .option('json', { type: 'boolean', global: false, describe: 'as JSON' })
      .option('search', { type: 'string', describe: 'only the presets whose name or source mentions these words (e.g. centos, "server 2012", xp)' })
      .example('$0 profiles', 'every preset: range, ports, TIME_WAIT, sharing, allocator, source')
      .example('$0 profiles show windows', 'one preset, every field with its source')
      .example('$0 profiles --search centos', 'the presets for CentOS versions')
      .example('$0 profiles from-host --out host.yaml', 'this Linux host as a profile file')
      .example('$0 profiles from-netsh dynport.txt', 'a Windows host\'s dynamic port range as a profile file')
      .epilogue(HELP),
    handler: (a: { json?: unknown; search?: unknown }) => {
      const search = typeof a.search === 'string' ? a.search : undefined;
      io.out(a.json === true ? profilesJson(search) : profilesTable(search));
    },
  };
}
