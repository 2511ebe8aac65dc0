import { PROFILE_FIELDS, type Profile } from '../os/profile';
import type { Plan } from '../sim/plan';
import type { Issue, PathSegment } from './issues';
import { resolveProfile } from './normalize';
import type { Override } from './overrides';
import { parseSetArgument } from './overrides';
import type { ScenarioInput } from './schema';

/** Pure parts of loading a scenario (./load.ts does the reading): command-line overrides, and warnings about them. */

/** Changes from the command line, applied before validation. */
export interface LoadOptions {
  /** `field.path=value` strings (--set). */
  set?: readonly string[];
  seed?: number;
  /** Duration string (--duration). */
  duration?: string;
  /** Preset names (--compare). */
  compare?: readonly string[];
  replications?: number;
  /**
   * `field.path=value` strings of one sweep point (one value per --vary), applied after `set`
   * with the same machinery; messages name them `--vary`.
   */
  vary?: readonly string[];
  /**
   * Let the scenario name files (profiles, durations, traces) by absolute paths or paths leaving
   * its folder (--allow-any-path). Without it those are refused: a scenario from elsewhere must
   * not make portsim read /etc/shadow or /proc/self/environ.
   */
  allowAnyPath?: boolean;
}

/**
 * Warnings for host profiles that `compare` replaces although the file or a --set changed them
 * (a bare preset name in the file is the usual placeholder, and a profile that is also a compare
 * entry is not lost: neither is warned about).
 */
export function replacedProfiles(input: ScenarioInput, plan: Plan, overridden: readonly { path: PathSegment[]; text: string }[]): string[] {
  if (input.compare === undefined) return [];
  return input.hosts.flatMap((h, i) => {
    const set = overridden.find((o) => o.path[0] === 'hosts' && (o.path[1] === i || o.path[1] === h.name) && o.path[2] === 'profile');
    const changed = Object.keys(h.profile).filter((k) => k !== 'preset');
    if (set === undefined && changed.length === 0) return [];
    // The file's profile is one of the compare entries too (a profile file named in both): nothing is lost.
    const values = (p: Profile) => JSON.stringify(PROFILE_FIELDS.map((f) => p[f]));
    const mine = values(resolveProfile(h.profile));
    if (set === undefined && plan.variants.some((v) => values(v.profiles[i]!) === mine)) return [];
    const what = set !== undefined ? `set by ${set.text}` : `with ${changed.join(', ')} changed in the file`;
    return [`hosts.${h.name}.profile (${what}) is not used: every compare entry replaces the profile of every host; make the change in the compare entries (compare: [{preset: ${h.profile.preset}, …}] or --compare)`];
  });
}

export function collectOverrides(opts: LoadOptions): (Override | Issue)[] {
  const out: (Override | Issue)[] = [];
  if (opts.seed !== undefined) out.push({ text: `--seed ${opts.seed}`, path: 'seed', value: opts.seed });
  if (opts.duration !== undefined) out.push({ text: `--duration ${opts.duration}`, path: 'duration', value: opts.duration });
  if (opts.compare !== undefined) out.push({ text: `--compare ${opts.compare.join(',')}`, path: 'compare', value: [...opts.compare] });
  if (opts.replications !== undefined) out.push({ text: `--replications ${opts.replications}`, path: 'replications', value: opts.replications });
  for (const s of opts.set ?? []) out.push(parseSetArgument(s));
  for (const s of opts.vary ?? []) out.push(parseSetArgument(s, '--vary'));
  return out;
}
