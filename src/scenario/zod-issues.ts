import type { z } from 'zod';
import { closest, describeValue, didYouMean, type Issue, type PathSegment } from './issues';

/**
 * Turns zod's issues into ours, with messages in one voice ("must be …, got … (type)") and a
 * did-you-mean for unknown keys and enum values. Users never see zod's own wording.
 */
type AnySchema = z.core.$ZodType;

function def(s: AnySchema): { type: string; [k: string]: unknown } {
  return (s as unknown as { _zod: { def: { type: string; [k: string]: unknown } } })._zod.def;
}

/** Follows wrappers (optional, default, pipe…) down to the schema that parses the value. */
function unwrap(s: AnySchema, value: unknown): AnySchema {
  for (;;) {
    const d = def(s);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault' || d.type === 'readonly') {
      s = d.innerType as AnySchema;
    } else if (d.type === 'pipe') {
      const inner = d.in as AnySchema;
      s = def(inner).type === 'transform' ? (d.out as AnySchema) : inner;
    } else if (d.type === 'union') {
      const options = d.options as AnySchema[];
      const disc = d.discriminator as string | undefined;
      const tag = disc !== undefined && value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[disc] : undefined;
      const match = options.find((o) => {
        const od = def(o);
        if (od.type !== 'object') return false;
        if (disc === undefined) return true;
        const lit = def((od.shape as Record<string, AnySchema>)[disc]!);
        return Array.isArray(lit.values) && (lit.values as unknown[]).includes(tag);
      });
      if (match === undefined) return s;
      s = match;
    } else {
      return s;
    }
  }
}

/** The (unwrapped) schema that parses the value at `path`, if it can be found. */
function schemaAt(root: AnySchema, path: readonly PathSegment[], data: unknown): AnySchema | undefined {
  let s = unwrap(root, data);
  let v = data;
  for (const seg of path) {
    const d = def(s);
    v = v !== null && typeof v === 'object' ? (v as Record<PathSegment, unknown>)[seg] : undefined;
    if (d.type === 'object') s = (d.shape as Record<string, AnySchema>)[seg as string]!;
    else if (d.type === 'array') s = d.element as AnySchema;
    else if (d.type === 'tuple') s = (d.items as AnySchema[])[seg as number]!;
    else return undefined;
    if (s === undefined) return undefined;
    s = unwrap(s, v);
  }
  return s;
}

/** Keys the object schema at `path` allows, or [] when unknown. */
export function allowedKeysAt(root: AnySchema, path: readonly PathSegment[], data: unknown): string[] {
  const s = schemaAt(root, path, data);
  const d = s === undefined ? undefined : def(s);
  return d?.type === 'object' ? Object.keys(d.shape as object) : [];
}

const KIND: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false',
  object: 'a mapping (key: value)', array: 'a list', tuple: 'a list',
};

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<PathSegment, unknown>)[seg] : undefined;
  return v;
}

/**
 * The path as the user wrote it. A shorthand (`profile: linux`, `duration: 1s`) is expanded into a
 * mapping before it is checked, so an issue inside the expansion (`profile.preset`) belongs to the
 * shorthand value itself (`profile`).
 */
function writtenPath(data: unknown, path: readonly PathSegment[]): PathSegment[] {
  let v = data;
  for (let k = 0; k < path.length; k++) {
    if (v !== undefined && v !== null && typeof v !== 'object') return path.slice(0, k);
    v = v !== null && typeof v === 'object' ? (v as Record<PathSegment, unknown>)[path[k]!] : undefined;
  }
  return [...path];
}

export function fromZodIssues(issues: readonly z.core.$ZodIssue[], root: AnySchema, data: unknown): Issue[] {
  const out = issues.flatMap((iss) => fromZodIssue(iss, root, data));
  // A misspelt key is reported once, as the unknown key with its did-you-mean, not again as the
  // missing key it was meant to be.
  const meant = new Set(
    out.filter((i) => i.code === 'unknown_key').map((i) => {
      const key = String(i.path[i.path.length - 1]);
      const parent = i.path.slice(0, -1);
      return JSON.stringify([...parent, closest(key, allowedKeysAt(root, parent, data)) ?? null]);
    }),
  );
  return out.filter((i) => i.code !== 'required' || !meant.has(JSON.stringify(i.path)));
}

/** One zod issue in our words (an unknown-keys issue gives one issue per key). */
function fromZodIssue(iss: z.core.$ZodIssue, root: AnySchema, data: unknown): Issue[] {
  const path = writtenPath(data, iss.path.filter((p): p is PathSegment => typeof p !== 'symbol'));
  const got = valueAt(data, path);
  switch (iss.code) {
    case 'unrecognized_keys':
      return unknownKeys(iss.keys, path, root, data);
    case 'invalid_type':
      return [invalidType(iss, path, got, root, data)];
    case 'invalid_value':
      return [oneOf(path, got, iss.values.map(String))];
    case 'invalid_union':
      return [invalidUnion(iss, path, got, data)];
    case 'too_small':
    case 'too_big':
      return [outOfBounds(iss, path, got)];
    case 'invalid_format':
      return [{ path, code: 'invalid_format', message: `${iss.message}, got ${describeValue(got)}` }];
    default: { // our own checks (schema.ts), already in our words; `params.code` names the issue
      const code = iss.code === 'custom' ? (iss.params as { code?: string } | undefined)?.code : undefined;
      return [{ path, code: code ?? (got === undefined ? 'required' : iss.code), message: iss.message }];
    }
  }
}

function unknownKeys(keys: readonly string[], path: PathSegment[], root: AnySchema, data: unknown): Issue[] {
  const allowed = allowedKeysAt(root, path, data);
  return keys.map((key) => ({
    path: [...path, key],
    code: 'unknown_key',
    message: `unknown key "${key}".${didYouMean(key, allowed)}${allowed.length ? ` Allowed here: ${allowed.join(', ')}` : ''}`,
  }));
}

function invalidType(iss: z.core.$ZodIssueInvalidType, path: PathSegment[], got: unknown, root: AnySchema, data: unknown): Issue {
  const target = iss.expected === 'number' ? schemaAt(root, path, data) : undefined;
  const whole = target !== undefined && String(def(target).format).includes('int'); // z.int(): "safeint"
  const want = whole ? KIND.int! : KIND[iss.expected] ?? iss.expected;
  return {
    path,
    code: got === undefined ? 'required' : 'invalid_type',
    message: got === undefined ? `is required: ${want}` : `must be ${want}, got ${describeValue(got)}`,
  };
}

/** A value (an enum's, a union's tag) not among `values`: required if absent, else with a did-you-mean. */
function oneOf(path: PathSegment[], got: unknown, values: readonly string[]): Issue {
  const hint = typeof got === 'string' ? didYouMean(got, values) : '';
  return {
    path,
    code: got === undefined ? 'required' : 'invalid_value',
    message: got === undefined
      ? `is required: one of ${values.join(' | ')}`
      : `must be one of ${values.join(' | ')}, got ${describeValue(got)}${hint && `.${hint}`}`,
  };
}

function invalidUnion(iss: z.core.$ZodIssueInvalidUnion, path: PathSegment[], got: unknown, data: unknown): Issue {
  const disc = (iss as { discriminator?: string }).discriminator;
  const options = ((iss as { options?: unknown[] }).options ?? []).map(String);
  if (disc === undefined) return { path, code: 'invalid_value', message: `is not valid here, got ${describeValue(got)}` };
  const p = path[path.length - 1] === disc ? path : [...path, disc];
  return oneOf(p, valueAt(data, p), options);
}

function outOfBounds(iss: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, path: PathSegment[], got: unknown): Issue {
  const bound = iss.code === 'too_small' ? iss.minimum : iss.maximum;
  const op = iss.code === 'too_small' ? (iss.inclusive ? '>=' : '>') : iss.inclusive ? '<=' : '<';
  const what = iss.origin === 'array'
    ? `must list ${iss.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} item${bound === 1 ? '' : 's'}`
    : `must be ${op} ${String(bound)}`;
  return { path, code: iss.code, message: `${what}, got ${describeValue(got)}` };
}
