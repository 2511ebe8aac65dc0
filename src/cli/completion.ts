import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PRESET_NAMES } from '../os/presets';
import { GATEWAY_PRESET_NAMES } from '../nat/presets';

/**
 * Shell completion (`portsim completion` prints yargs' bash or zsh script, which calls
 * `portsim --get-yargs-completions <words…>`): yargs completes the commands and options; this
 * adds the values — preset names after --compare (each item of a comma-separated list) and
 * `profiles show`, scenario files (.yaml, .yml, .json, and folders to descend into) where a
 * command takes them, folders for merge and --out.
 */
export interface CompletionContext {
  /** The words typed: the program name, then its arguments; the last is being completed. */
  words: readonly string[];
  /** The options of the command being completed (as yargs' getOptions()). */
  options: { key: Record<string, unknown>; boolean: string[] };
  /** What yargs offers: commands, or options. */
  defaults: readonly string[];
}

const SCENARIO_COMMANDS = new Set(['run', 'sweep', 'capacity', 'validate']);
const SCENARIO_FILE = /\.(ya?ml|json)$/i;

/** Entries of the folder of `prefix` that start with it: folders (with a slash) and files `keep` accepts. */
function paths(prefix: string, keep: (name: string) => boolean): string[] {
  const slash = prefix.lastIndexOf('/');
  const dir = slash < 0 ? '.' : prefix.slice(0, slash + 1);
  const head = slash < 0 ? '' : dir;
  try {
    return readdirSync(dir === '' ? '/' : dir, { withFileTypes: true })
      .filter((e) => `${head}${e.name}`.startsWith(prefix) && (prefix.includes('/.') || !e.name.startsWith('.') || prefix.endsWith('.')))
      .flatMap((e) => (e.isDirectory() ? [`${head}${e.name}/`] : keep(e.name) ? [`${head}${e.name}`] : []))
      .sort();
  } catch {
    return [];
  }
}

export const scenarioFiles = (prefix: string): string[] => paths(prefix, (n) => SCENARIO_FILE.test(n));
export const folders = (prefix: string): string[] => paths(prefix, () => false);

export function completions(c: CompletionContext): string[] {
  const current = c.words[c.words.length - 1] ?? '';
  const previous = c.words[c.words.length - 2] ?? '';
  const command = c.words[1];
  if (previous === '--compare') {
    const head = current.slice(0, current.lastIndexOf(',') + 1);
    return [...PRESET_NAMES.map((p) => `${head}${p}`), ...scenarioFiles(current.slice(head.length)).map((f) => `${head}${f}`)];
  }
  if (previous === '--out') return folders(current);
  const option = /^--?([\w-]+)$/.exec(previous)?.[1];
  if (option !== undefined && option in c.options.key && !c.options.boolean.includes(option)) return []; // a value of the user's own
  if (current.startsWith('-') || command === undefined || c.words.length <= 2) return [...c.defaults];
  if (SCENARIO_COMMANDS.has(command)) return scenarioFiles(current);
  if (command === 'merge') return folders(current);
  if (command === 'profiles' && c.words[2] === 'show' && c.words.length === 4) return [...PRESET_NAMES, ...GATEWAY_PRESET_NAMES].filter((p) => p.startsWith(current)).concat(scenarioFiles(current));
  if (command === 'profiles' && c.words[2] === 'from-netsh' && c.words.length === 4) return paths(current, () => true);
  return [...c.defaults];
}
