import { parse as parseYaml } from 'yaml';
import { closest, describeValue, type Issue, type PathSegment } from './issues';

/**
 * Command-line changes to a scenario before it is checked: `--set field.path=value` (the value
 * is read as YAML, so `500/s`, `12`, `[linux, windows]` all work). In a path, a list element is
 * named by its index (`workloads.0`, `workloads[0]`) or by its `name` (`workloads.steady`).
 */
export interface Override {
  /** Where it came from, as the user wrote it (e.g. `--set seed=3`), for messages. */
  text: string;
  path: string;
  value: unknown;
}

/** `flag` names the option in messages: `--set`, or `--vary` for one point of a sweep. */
export function parseSetArgument(arg: string, flag = '--set'): Override | Issue {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    return { path: [], code: 'bad_set', origin: `${flag} ${arg}`, message: `must be field.path=value, e.g. ${flag} workloads.steady.arrivals.rate=500/s` };
  }
  const raw = arg.slice(eq + 1);
  let value: unknown;
  try {
    value = raw === '' ? '' : parseYaml(raw);
  } catch {
    value = raw;
  }
  return { text: `${flag} ${arg}`, path: arg.slice(0, eq).trim(), value };
}

/** Keys that would reach an object's prototype rather than a field of the scenario. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function splitPath(path: string): string[] {
  return path.replace(/\[(\w+)\]/g, '.$1').split('.').filter((p) => p !== '');
}

/**
 * Applies one override to a parsed (not yet validated) scenario in place. Returns the resolved
 * path (list elements by index) or an issue when the path leads nowhere.
 */
export function applyOverride(doc: Record<string, unknown>, o: Override): PathSegment[] | Issue {
  const parts = splitPath(o.path);
  const resolved: PathSegment[] = [];
  const forbidden = parts.find((p) => FORBIDDEN_KEYS.has(p));
  if (forbidden !== undefined) {
    return { path: [], code: 'bad_set', origin: o.text, message: `"${forbidden}" is not a field of a scenario (no field path may name it)` };
  }
  let node: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    if (Array.isArray(node)) {
      let idx = /^\d+$/.test(part) ? Number(part) : node.findIndex((el) => el !== null && typeof el === 'object' && (el as { name?: unknown }).name === part);
      if (idx < 0 || idx > node.length || (idx === node.length && !last)) {
        const names = node.map((el) => (el as { name?: unknown })?.name).filter((n): n is string => typeof n === 'string');
        const hint = closest(part, names);
        return {
          path: resolved, code: 'bad_set', origin: o.text,
          message: `no element "${part}" in this list.${hint ? ` Did you mean "${hint}"?` : ''}${names.length ? ` Elements: ${names.join(', ')}` : ` It has ${node.length} element${node.length === 1 ? '' : 's'}`}`,
        };
      }
      if (idx === node.length) idx = node.length; // append
      resolved.push(idx);
      if (last) node[idx] = o.value;
      else node = node[idx];
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      resolved.push(part);
      if (last) {
        obj[part] = o.value;
      } else {
        if (!Object.hasOwn(obj, part) || obj[part] === undefined || obj[part] === null) obj[part] = {};
        node = obj[part];
      }
    } else {
      return { path: resolved, code: 'bad_set', origin: o.text, message: `cannot set "${parts.slice(i).join('.')}" inside ${describeValue(node)}: it is not a mapping or list` };
    }
  }
  return resolved;
}
